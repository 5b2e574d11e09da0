#pragma once
// The cell scales the video profile accepts: the marker and the detector must agree on them.
#include "tidemark/error.hpp"

namespace tidemark::detail {

inline void require_valid_cell_scale(double cell_scale) {
  if (!(cell_scale >= 1 && cell_scale <= 16))
    throw Error(Status::InvalidArgument, "video cell scale must be in [1, 16]");
}

}  // namespace tidemark::detail
