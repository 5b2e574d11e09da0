// The video profile without a codec: motion following, per-frame detection, segments, soft
// combining and deep (10-bit) luma planes.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "core/ecc.hpp"
#include "core/key_material.hpp"
#include "tidemark/shared/pixel_ops.hpp"
#include "support/synthetic.hpp"
#include "tidemark/detector.hpp"
#include "tidemark/embedder.hpp"
#include "tidemark/error.hpp"
#include "tidemark/video.hpp"

namespace tidemark {
namespace {

constexpr int kW = 640, kH = 360;
const Payload kA = Payload::from_hex("00000000000000a1");
const Payload kB = Payload::from_hex("123456789abcdef0");

// A camera pan over a larger picture: frame i is the window at (dx * i, dy * i).
Image pan_frame(const Image& scene, int i, int dx, int dy) {
  Image f(kW, kH, 1, SampleType::U8);
  for (int y = 0; y < kH; ++y)
    std::memcpy(f.view().row<std::uint8_t>(y), scene.view().row<std::uint8_t>(y + dy * i) + dx * i, kW);
  return f;
}

const Image& scene() {
  static const Image s = testing::natural_image(kW + 120, kH + 60, 1, 7);
  return s;
}

LumaPlane luma(Image& im) { return {im.view(), 8}; }

TEST(VideoProfile, TileFollowsAPan) {
  FrameMarker marker(Key::public_default(), kA);
  std::vector<FrameMarkReport> reports;
  for (int i = 0; i < 6; ++i) {
    Image f = pan_frame(scene(), i, 3, 1);
    reports.push_back(marker.mark(luma(f)));
  }
  EXPECT_DOUBLE_EQ(reports[0].geometry.scale, video_tile_scale(kW, kH));
  EXPECT_DOUBLE_EQ(video_tile_scale(1280, 720), 4.0);   // 8 px cells at 720p
  EXPECT_NEAR(video_tile_scale(1920, 1080), 4.0 * std::pow(1.5, 0.25), 1e-12);  // slowly growing above
  EXPECT_DOUBLE_EQ(video_tile_scale(kW, kH), 1.5);      // small frames hold 1.875 tiles (1.25 from 720p up)
  EXPECT_DOUBLE_EQ(video_tile_scale(854, 480), 2.0);
  for (int i = 1; i < 6; ++i) {
    ASSERT_TRUE(reports[i].motion_found) << "frame " << i;
    // Content moved left by 3 px and up by 1 px: the tile moves with it.
    const double g = reports[i].geometry.scale;
    EXPECT_NEAR(g, video_tile_scale(kW, kH), 0.02);
    double ddx = reports[i].geometry.offset_x - reports[i - 1].geometry.offset_x;
    ddx -= 128 * std::round(ddx / 128);
    double ddy = reports[i].geometry.offset_y - reports[i - 1].geometry.offset_y;
    ddy -= 128 * std::round(ddy / 128);
    EXPECT_NEAR(ddx, 3.0 / g, 0.05) << "frame " << i;  // the window moved right: content moved left
    EXPECT_NEAR(ddy, 1.0 / g, 0.05) << "frame " << i;
  }
}

TEST(VideoProfile, FrameFixedTileStaysPut) {
  VideoEmbedParams p;
  p.follow_motion = false;
  FrameMarker marker(Key::public_default(), kA, p);
  Image f0 = pan_frame(scene(), 0, 3, 1), f1 = pan_frame(scene(), 1, 3, 1);
  const auto r0 = marker.mark(luma(f0)), r1 = marker.mark(luma(f1));
  EXPECT_EQ(r0.geometry.offset_x, r1.geometry.offset_x);
  EXPECT_FALSE(r1.motion_found);
}

TEST(VideoProfile, EveryFrameOfAMarkedPanDecodes) {
  FrameMarker marker(Key::public_default(), kA);
  VideoDetector detector(Key::public_default());
  for (int i = 0; i < 5; ++i) {
    Image f = pan_frame(scene(), i, 4, 2);
    const double before = f.view().row<std::uint8_t>(100)[100];
    marker.mark(luma(f));
    (void)before;
    const FrameDetection& d = detector.add_frame(luma(f), i / 25.0);
    ASSERT_TRUE(d.result.payload) << "frame " << i << " z " << d.result.z;
    EXPECT_EQ(*d.result.payload, kA);
  }
  const VideoDetectReport r = detector.finish();
  EXPECT_TRUE(r.detected);
  ASSERT_TRUE(r.payload);
  EXPECT_EQ(*r.payload, kA);
  ASSERT_EQ(r.segments.size(), 1u);
  EXPECT_EQ(r.segments[0].frames_decoded, 5);
  EXPECT_EQ(r.frames_present, 5);
  EXPECT_LT(r.p_value, 1e-9);
}

TEST(VideoProfile, SegmentsShowWhereMarksChangeAndStop) {
  // A spliced clip: 4 frames marked A, 4 unmarked, 4 marked B.
  FrameMarker ma(Key::public_default(), kA), mb(Key::public_default(), kB);
  VideoDetector detector(Key::public_default());
  for (int i = 0; i < 12; ++i) {
    Image f = pan_frame(scene(), i, 2, 1);
    if (i < 4) ma.mark(luma(f));
    if (i >= 8) mb.mark(luma(f));
    detector.add_frame(luma(f), i * 0.5);
  }
  const VideoDetectReport r = detector.finish();
  ASSERT_EQ(r.segments.size(), 3u);
  EXPECT_EQ(r.segments[0].payload, kA);
  EXPECT_DOUBLE_EQ(r.segments[0].start, 0.0);
  EXPECT_DOUBLE_EQ(r.segments[0].end, 1.5);
  EXPECT_FALSE(r.segments[1].payload);
  EXPECT_DOUBLE_EQ(r.segments[1].start, 2.0);
  EXPECT_EQ(r.segments[2].payload, kB);
  EXPECT_DOUBLE_EQ(r.segments[2].end, 5.5);
}

TEST(VideoProfile, UnmarkedFramesClaimNothing) {
  VideoDetector detector(Key::public_default());
  for (int i = 0; i < 6; ++i) {
    Image f = pan_frame(scene(), i, 5, 2);
    detector.add_frame(luma(f), i);
  }
  const VideoDetectReport r = detector.finish();
  EXPECT_FALSE(r.detected);
  EXPECT_EQ(r.frames_decoded, 0);
  EXPECT_EQ(r.frames_present, 0);
  ASSERT_EQ(r.segments.size(), 1u);
  EXPECT_FALSE(r.segments[0].payload);
}

TEST(VideoProfile, SummedSoftBitsDecodeWhatSingleFramesCannot) {
  const auto coded = detail::encode_payload(kA.value);
  std::mt19937 rng(3);
  std::normal_distribution<float> noise(0.0f, 1.6f);
  std::vector<float> sum(coded.size(), 0.0f);
  int single_ok = 0;
  for (int f = 0; f < 12; ++f) {
    std::vector<float> soft(coded.size());
    for (std::size_t i = 0; i < coded.size(); ++i) soft[i] = (coded[i] ? 0.5f : -0.5f) + noise(rng);
    single_ok += decode_soft_bits(soft) == kA;
    for (std::size_t i = 0; i < soft.size(); ++i) sum[i] += soft[i];
  }
  EXPECT_LT(single_ok, 3);  // single frames mostly fail at this noise
  EXPECT_EQ(decode_soft_bits(sum), kA);
  EXPECT_THROW(decode_soft_bits(std::vector<float>(10)), Error);
}

TEST(VideoProfile, TenBitLumaIsMarkedInItsOwnRange) {
  Image f8 = pan_frame(scene(), 0, 0, 0);
  Image f10(kW, kH, 1, SampleType::U16);
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x)
      f10.view().row<std::uint16_t>(y)[x] = static_cast<std::uint16_t>(64 + f8.view().row<std::uint8_t>(y)[x] * 3.4);
  const Image original = f10;
  FrameMarker marker(Key::public_default(), kA);
  marker.mark({f10.view(), 10});
  int changed = 0, max_step = 0;
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      const int a = original.view().row<std::uint16_t>(y)[x], b = f10.view().row<std::uint16_t>(y)[x];
      ASSERT_LE(b, 1023);
      changed += a != b;
      max_step = std::max(max_step, std::abs(a - b));
    }
  EXPECT_GT(changed, kW * kH / 4);
  EXPECT_LE(max_step, 4 * 8);  // at most the mask ceiling in 8-bit levels, times 4
  VideoDetector detector(Key::public_default());
  const auto& d = detector.add_frame({f10.view(), 10}, 0);
  ASSERT_TRUE(d.result.payload);
  EXPECT_EQ(*d.result.payload, kA);
}

TEST(VideoProfile, RefusesPlanesItCannotRead) {
  FrameMarker marker(Key::public_default(), kA);
  Image rgb(kW, kH, 3, SampleType::U8);
  EXPECT_THROW(marker.mark({rgb.view(), 8}), Error);
  Image gray(kW, kH, 1, SampleType::U8);
  EXPECT_THROW(marker.mark({gray.view(), 10}), Error);  // 10-bit samples need a U16 plane
  Image tiny(100, 100, 1, SampleType::U8);
  EXPECT_THROW(marker.mark({tiny.view(), 8}), Error);
  VideoEmbedParams bad;
  bad.cell_scale = 0.5;
  EXPECT_THROW(FrameMarker(Key::public_default(), kA, bad), Error);
}

// On a flat picture the mask is its floor everywhere, so the marked frame is the tile itself as
// the shared formula reads it at that geometry (the CUDA kernel evaluates the same formula).
TEST(VideoProfile, TileAtAGivenGeometryIsTheSharedFormula) {
  EmbedParams params;
  params.mask_floor = 3.0;
  const Embedder embedder(Key::public_default(), params, Backend::Cpu);
  const auto tile = detail::KeyMaterial(Key::public_default()).tile(kA.value);
  for (const TileGeometry g : {TileGeometry{2.3, 17.25, 101.6}, TileGeometry{1.0, 5.0, 9.0}, TileGeometry{4.0, 0.5, 127.9}}) {
    Image frame(301, 203, 1, SampleType::U16);
    for (int y = 0; y < frame.height(); ++y)
      for (int x = 0; x < frame.width(); ++x) frame.view().row<std::uint16_t>(y)[x] = 30000;
    embedder.embed_at(frame.view(), kA, g);
    const bool exact = shared::is_exact_geometry(float(g.scale), float(g.offset_x), float(g.offset_y));
    EXPECT_EQ(exact, g.scale == 1.0);
    int worst = 0;
    for (int y = 0; y < frame.height(); ++y)
      for (int x = 0; x < frame.width(); ++x) {
        const float t = shared::tile_at_geometry(tile.data(), tm1::kTile, x, y, float(g.scale), float(g.offset_x),
                                                 float(g.offset_y), exact);
        const int expected = shared::add_delta_u16(30000, float(params.strength) * 3.0f * t);
        worst = std::max(worst, std::abs(int(frame.view().row<std::uint16_t>(y)[x]) - expected));
      }
    EXPECT_LE(worst, 1) << "scale " << g.scale;  // the blurred constant mask may differ in its last bit
  }
}

// The tile is periodic, so an offset outside [0, kTile) (negative, or many tiles away) marks as
// the offset it wraps to, exact whole offsets included (they index the tile directly).
TEST(VideoProfile, OffsetsWrapToTheTile) {
  const Embedder embedder(Key::public_default(), {}, Backend::Cpu);
  const Image source = tidemark::testing::natural_image(260, 200, 1, 8);
  for (const auto& [given, wrapped] : {std::pair{TileGeometry{1.0, -3.0, -131.0}, TileGeometry{1.0, 125.0, 125.0}},
                                       std::pair{TileGeometry{1.5, -0.25, 1000.5}, TileGeometry{1.5, 127.75, 104.5}}}) {
    Image a = source, b = source;
    embedder.embed_at(a.view(), kA, given);
    embedder.embed_at(b.view(), kA, wrapped);
    EXPECT_EQ(a.bytes(), b.bytes()) << "scale " << given.scale;
    EXPECT_NE(a.bytes(), source.bytes());
  }
  Image c = source;
  EXPECT_THROW(embedder.embed_at(c.view(), kA, TileGeometry{1.0, std::nan(""), 0.0}), Error);
  VideoEmbedParams bad;
  bad.cell_scale = 0.0;
  EXPECT_THROW(VideoDetector(Key::public_default(), {}, bad), Error);
}

// Up to 720p the marker uses the profile's strength; a 1080p frame is marked at 0.82 of it, as
// an embedder at that strength would mark it at the same geometry.
TEST(VideoProfile, LargeFramesAreMarkedAtLessStrength) {
  EXPECT_DOUBLE_EQ(video_strength_factor(854, 480), 1.0);
  EXPECT_DOUBLE_EQ(video_strength_factor(1280, 720), 1.0);
  EXPECT_NEAR(video_strength_factor(1600, 900), std::sqrt(720.0 / 900.0), 1e-12);
  EXPECT_DOUBLE_EQ(video_strength_factor(1920, 1080), 0.82);
  EXPECT_DOUBLE_EQ(video_strength_factor(3840, 2160), 0.82);
  for (const auto [w, h] : {std::pair{1280, 720}, std::pair{1920, 1080}}) {
    const Image picture = testing::natural_image(w, h, 1, 11);
    Image by_marker = picture, by_embedder = picture;
    VideoEmbedParams vp;
    vp.backend = Backend::Cpu;
    FrameMarker marker(Key::public_default(), kA, vp);
    const FrameMarkReport r = marker.mark(LumaPlane{by_marker.view(), 8});
    EmbedParams at = vp.embed;
    at.strength *= video_strength_factor(w, h);
    Embedder(Key::public_default(), at, Backend::Cpu).embed_at(by_embedder.view(), kA, r.geometry);
    long differing = 0;
    double change = 0;
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) {
        const int m = by_marker.view().row<std::uint8_t>(y)[x], e = by_embedder.view().row<std::uint8_t>(y)[x];
        differing += m != e;
        change += std::abs(m - int(picture.view().row<std::uint8_t>(y)[x]));
      }
    EXPECT_EQ(differing, 0) << w << "x" << h;
    EXPECT_GT(change, 0.5 * w * h) << w << "x" << h;  // the frame was marked
  }
}

// The middle cw x ch of a one-channel frame.
Image centre_crop(const Image& frame, int cw, int ch) {
  Image crop(cw, ch, 1, SampleType::U8);
  const int x0 = (frame.width() - cw) / 2, y0 = (frame.height() - ch) / 2;
  for (int y = 0; y < ch; ++y)
    std::memcpy(crop.view().row<std::uint8_t>(y), frame.view().row<const std::uint8_t>(y + y0) + x0, cw);
  return crop;
}

// A 50 % crop of 1080p frames keeps the 1080p tile at its size in a 1356 x 762 frame: the detector
// tries the crop's source sizes at their own scale, and finds the tile there exactly (the
// spectrum alone placed it about 1.5 % off, at half the sync z).
TEST(VideoProfile, CropsOfStandardSizesAreReadAtTheSourceScale) {
  constexpr int w = 1920, h = 1080, cw = 1356, ch = 762;
  const Image picture = testing::natural_image(w + 12, h + 4, 1, 13);
  FrameMarker marker(Key::public_default(), kA);
  VideoDetector detector(Key::public_default());
  for (int i = 0; i < 3; ++i) {
    Image f(w, h, 1, SampleType::U8);
    for (int y = 0; y < h; ++y)
      std::memcpy(f.view().row<std::uint8_t>(y), picture.view().row<std::uint8_t>(y + i) + 3 * i, w);
    marker.mark(luma(f));
    Image crop = centre_crop(f, cw, ch);
    const FrameDetection& d = detector.add_frame(luma(crop), i / 24.0);
    ASSERT_TRUE(d.result.payload) << "frame " << i << " z " << d.result.z;
    EXPECT_EQ(*d.result.payload, kA);
    EXPECT_GT(d.result.z, 12) << "frame " << i << " at scale " << d.result.scale;
  }
}

// A zooming clip's tile is drawn at scales no frame size predicts. In a crop (here 50 % of a
// 1080p frame, reduced 3x as the video detector reduces it) the spectrum places it to about
// 1.5 %; DetectParams::fine_scale_search (the video detector's) then tries the nearby scales at the
// first level too. Over eight zoom factors it loses nothing and finds a payload the plain search
// missed (on the corpus pan's 50 % crop: 29 instead of 25 of 30 frames).
TEST(VideoProfile, FineScaleSearchFindsCropsOfZoomedFrames) {
  constexpr int w = 1920, h = 1080, cw = 1356, ch = 762, f = 3;
  const Image picture = testing::natural_image(w, h, 1, 21);
  int found[2] = {0, 0};
  for (int k = 0; k < 8; ++k) {
    Image frame = picture;
    EmbedParams ep = VideoEmbedParams{}.embed;
    ep.strength *= 0.7 * video_strength_factor(w, h);  // faint: the search has no margin to spare
    const TileGeometry g{video_tile_scale(w, h) * (1.02 + 0.013 * k), 17.0 + 9 * k, 40.0 - 7 * k};
    Embedder(Key::public_default(), ep, Backend::Cpu).embed_at(frame.view(), kA, g);
    const Image crop = testing::box_shrink(centre_crop(frame, cw, ch), f);
    bool got[2];
    for (int fine = 0; fine < 2; ++fine) {
      DetectParams p;
      p.fine_scale_search = fine;
      const DetectResult r = Detector(Key::public_default(), p, Backend::Cpu).detect(crop.view());
      got[fine] = r.payload == kA;
      found[fine] += got[fine];
    }
    EXPECT_TRUE(got[1] || !got[0]) << "zoom " << k << ": found only without the fine search";
  }
  EXPECT_GT(found[1], found[0]);
}

}  // namespace
}  // namespace tidemark
