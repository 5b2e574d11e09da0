#pragma once
// Objective quality of a marked image against its original.
#include "tidemark/image_view.hpp"

namespace tidemark::detail {

// Peak signal-to-noise ratio in dB of `b` against `a` (host views of the same size, sample type
// and channels) over the colour samples (a fourth channel is alpha, which is never marked);
// `peak` is the largest sample value (255 for 8 bit, 1023 for 10-bit video). 100 when equal.
double psnr_db(const ImageView& a, const ImageView& b, double peak);

}  // namespace tidemark::detail
