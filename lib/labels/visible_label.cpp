#include "labels/visible_label.hpp"

#include <ft2build.h>
#include FT_FREETYPE_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include "tidemark/error.hpp"

namespace tidemark::labels {
namespace {

std::vector<char32_t> decode_utf8(std::string_view s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    const int extra = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (extra < 0 || i + extra + 1 > s.size()) throw Error(Status::InvalidArgument, "label text is not valid UTF-8");
    char32_t cp = extra == 0 ? c : c & (0x3F >> extra);
    for (int k = 1; k <= extra; ++k) {
      const unsigned char cc = s[i + k];
      if ((cc >> 6) != 2) throw Error(Status::InvalidArgument, "label text is not valid UTF-8");
      cp = cp << 6 | (cc & 0x3F);
    }
    out.push_back(cp);
    i += extra + 1;
  }
  return out;
}

struct LibraryDeleter {
  void operator()(FT_Library l) const { FT_Done_FreeType(l); }
};
struct FaceDeleter {
  void operator()(FT_Face f) const { FT_Done_Face(f); }
};
using Library = std::unique_ptr<std::remove_pointer_t<FT_Library>, LibraryDeleter>;
using Face = std::unique_ptr<std::remove_pointer_t<FT_Face>, FaceDeleter>;

// A collection (.ttc) holds the CJK font in several regional variants: prefer Simplified Chinese.
Face open_face(FT_Library lib, const std::string& path) {
  FT_Face first = nullptr;
  if (FT_New_Face(lib, path.c_str(), 0, &first) != 0)
    throw Error(Status::IoError, path + ": cannot open this font file");
  Face face(first);
  for (FT_Long i = 1; i < face->num_faces; ++i) {
    if (face->family_name && std::string_view(face->family_name).ends_with(" SC")) break;
    FT_Face next = nullptr;
    if (FT_New_Face(lib, path.c_str(), i, &next) != 0) break;
    Face candidate(next);
    if (candidate->family_name && std::string_view(candidate->family_name).ends_with(" SC")) return candidate;
  }
  return face;
}

struct Glyph {
  std::vector<std::uint8_t> coverage;
  int width = 0, rows = 0, left = 0, top = 0, pen_x = 0;
};

struct Layout {
  std::vector<Glyph> glyphs;
  int ink_top = 0, ink_bottom = 0, ink_left = 0, ink_right = 0;  // relative to the baseline origin
  int ink_height() const { return ink_top - ink_bottom; }
};

Layout layout_text(FT_Face face, const std::vector<char32_t>& text, int pixel_size) {
  FT_Set_Pixel_Sizes(face, 0, pixel_size);
  Layout l;
  l.ink_top = -1 << 30, l.ink_bottom = 1 << 30, l.ink_left = 1 << 30, l.ink_right = -1 << 30;
  int pen = 0;
  for (char32_t cp : text) {
    const FT_UInt index = FT_Get_Char_Index(face, cp);
    if (index == 0 && cp != U' ')
      throw Error(Status::InvalidArgument, "the label font has no glyph for U+" + [&] {
        char buf[16];
        std::snprintf(buf, sizeof buf, "%04X", unsigned(cp));
        return std::string(buf);
      }());
    if (FT_Load_Glyph(face, index, FT_LOAD_RENDER) != 0) throw Error(Status::Internal, "FreeType could not render a glyph");
    const FT_Bitmap& bm = face->glyph->bitmap;
    Glyph g;
    g.width = int(bm.width), g.rows = int(bm.rows), g.left = face->glyph->bitmap_left, g.top = face->glyph->bitmap_top;
    g.pen_x = pen;
    g.coverage.resize(std::size_t(g.width) * g.rows);
    for (int r = 0; r < g.rows; ++r)
      std::copy_n(bm.buffer + std::ptrdiff_t(r) * bm.pitch, g.width, g.coverage.begin() + std::ptrdiff_t(r) * g.width);
    if (g.width > 0 && g.rows > 0) {
      l.ink_top = std::max(l.ink_top, g.top);
      l.ink_bottom = std::min(l.ink_bottom, g.top - g.rows);
      l.ink_left = std::min(l.ink_left, pen + g.left);
      l.ink_right = std::max(l.ink_right, pen + g.left + g.width);
    }
    pen += int(face->glyph->advance.x >> 6);
    l.glyphs.push_back(std::move(g));
  }
  if (l.ink_top < l.ink_bottom) throw Error(Status::InvalidArgument, "the label text draws nothing");
  return l;
}

// Blends `value` (0..1 of full scale) with weight `a` into every colour channel of one pixel.
template <class T>
void blend(T* px, int channels, double value, double a, double full) {
  const int colour = channels == 4 ? 3 : channels;
  for (int c = 0; c < colour; ++c) px[c] = T(std::lround(px[c] * (1 - a) + value * full * a));
  if (channels == 4) px[3] = T(std::lround(full * a + px[3] * (1 - a)));  // "over" compositing
}

template <class T>
void compose(const ImageView& img, const Layout& l, const LabelBox& box, int origin_x, int baseline_y) {
  constexpr double kPlateAlpha = 0.6;  // white text on 60 % black: >= 4.5:1 contrast on any background
  const double full = sizeof(T) == 1 ? 255.0 : 65535.0;
  for (int y = box.y; y < box.y + box.height; ++y) {
    T* row = img.row<T>(y);
    for (int x = box.x; x < box.x + box.width; ++x) blend(row + std::ptrdiff_t(x) * img.channels, img.channels, 0.0, kPlateAlpha, full);
  }
  for (const Glyph& g : l.glyphs)
    for (int r = 0; r < g.rows; ++r) {
      const int y = baseline_y - g.top + r;
      if (y < 0 || y >= img.height) continue;
      T* row = img.row<T>(y);
      for (int c = 0; c < g.width; ++c) {
        const int x = origin_x + g.pen_x + g.left + c;
        const std::uint8_t cov = g.coverage[std::size_t(r) * g.width + c];
        if (cov && x >= 0 && x < img.width) blend(row + std::ptrdiff_t(x) * img.channels, img.channels, 1.0, cov / 255.0, full);
      }
    }
}

}  // namespace

Placement placement_from(std::string_view name) {
  if (name == "bottom-right") return Placement::BottomRight;
  if (name == "bottom-left") return Placement::BottomLeft;
  if (name == "top-right") return Placement::TopRight;
  if (name == "top-left") return Placement::TopLeft;
  if (name == "bottom") return Placement::Bottom;
  if (name == "top") return Placement::Top;
  throw Error(Status::InvalidArgument, "label position must be bottom-right, bottom-left, top-right, top-left, "
                                       "bottom or top, not '" + std::string(name) + "'");
}

bool has_required_elements(std::string_view t) {
  const bool ai = t.find("AI") != std::string_view::npos ||
                  t.find("\xE4\xBA\xBA\xE5\xB7\xA5\xE6\x99\xBA\xE8\x83\xBD") != std::string_view::npos;  // 人工智能
  const bool generation = t.find("\xE7\x94\x9F\xE6\x88\x90") != std::string_view::npos ||               // 生成
                          t.find("\xE5\x90\x88\xE6\x88\x90") != std::string_view::npos;                 // 合成
  return ai && generation;
}

std::string default_font_path() {
  if (const char* env = std::getenv("TIDEMARK_FONT"); env && *env) return env;
  for (const char* p : {"/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
                        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                        "/usr/share/fonts/opentype/noto/NotoSansCJK-Medium.ttc"})
    if (std::filesystem::exists(p)) return p;
  return {};
}

LabelBox draw_visible_label(const ImageView& img, const VisibleLabelOptions& o) {
  validate(img, "visible label");
  if (img.space != MemorySpace::Host) throw Error(Status::Unsupported, "visible label: host images only");
  if (!(o.height_fraction > 0 && o.height_fraction <= 0.5))
    throw Error(Status::InvalidArgument, "label height must be a fraction of the shortest side in (0, 0.5]");
  const std::string font = o.font_path.empty() ? default_font_path() : o.font_path;
  if (font.empty())
    throw Error(Status::IoError, "no CJK font found for the visible label: install fonts-noto-cjk or give --font / TIDEMARK_FONT");
  const auto text = decode_utf8(o.text);
  if (text.empty()) throw Error(Status::InvalidArgument, "the label text is empty");

  FT_Library raw = nullptr;
  if (FT_Init_FreeType(&raw) != 0) throw Error(Status::Internal, "FreeType could not start");
  Library lib(raw);
  Face face = open_face(lib.get(), font);

  // Size the font by the rendered ink height, not the nominal em size: the rule is about what
  // a viewer sees.
  const int shortest = std::min(img.width, img.height);
  const int target = std::max(8, int(std::ceil(o.height_fraction * shortest)));
  Layout l = layout_text(face.get(), text, target);
  int size = std::max(8, int(std::ceil(double(target) * target / std::max(1, l.ink_height()))));
  l = layout_text(face.get(), text, size);
  while (l.ink_height() < target) l = layout_text(face.get(), text, ++size);

  const int pad = std::max(2, int(std::lround(0.3 * target)));
  const int margin = std::max(2, int(std::lround(0.02 * shortest)));
  LabelBox box;
  box.width = l.ink_right - l.ink_left + 2 * pad;
  box.height = l.ink_height() + 2 * pad;
  if (box.width + 2 * margin > img.width || box.height + 2 * margin > img.height)
    throw Error(Status::InvalidArgument, "image is " + std::to_string(img.width) + "x" + std::to_string(img.height) +
                                             ", too small for a legible visible label");
  const bool left = o.placement == Placement::BottomLeft || o.placement == Placement::TopLeft;
  const bool centred = o.placement == Placement::Bottom || o.placement == Placement::Top;
  const bool top = o.placement == Placement::TopLeft || o.placement == Placement::TopRight || o.placement == Placement::Top;
  box.x = centred ? (img.width - box.width) / 2 : left ? margin : img.width - margin - box.width;
  box.y = top ? margin : img.height - margin - box.height;
  const int origin_x = box.x + pad - l.ink_left;
  const int baseline_y = box.y + pad + l.ink_top;
  box.glyph_top = baseline_y - l.ink_top;
  box.glyph_height = l.ink_height();
  if (img.type == SampleType::U8)
    compose<std::uint8_t>(img, l, box, origin_x, baseline_y);
  else
    compose<std::uint16_t>(img, l, box, origin_x, baseline_y);
  return box;
}

}  // namespace tidemark::labels
