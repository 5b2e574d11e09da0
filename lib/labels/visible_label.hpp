#pragma once
// The explicit (visible) label burned into the pixels: text such as "AI生成" rendered with
// FreeType from a CJK font, white on a translucent dark plate (legible on any background), in a
// corner or on an edge, glyphs at least a given fraction of the image's shortest side tall
// (GB 45438 5.2: >= 5 %; default 6 % for margin).
#include <string>
#include <string_view>

#include "tidemark/image_view.hpp"

namespace tidemark::labels {

enum class Placement { BottomRight, BottomLeft, TopRight, TopLeft, Bottom, Top };
// "bottom-right", "top", ...; throws Error(InvalidArgument) for anything else.
Placement placement_from(std::string_view name);

struct VisibleLabelOptions {
  std::string text = "AI\xE7\x94\x9F\xE6\x88\x90";  // "AI生成"
  std::string font_path;                             // empty: TIDEMARK_FONT, then Noto Sans CJK
  double height_fraction = 0.06;                     // rendered glyph height / shortest side
  Placement placement = Placement::BottomRight;
};

struct LabelBox {
  int x = 0, y = 0, width = 0, height = 0;  // the plate, in image pixels
  int glyph_top = 0, glyph_height = 0;      // the text's ink box (rows)
};

// GB 45438 5.2: the text has an AI element ("AI" or "人工智能") and a generation element
// ("生成" or "合成").
bool has_required_elements(std::string_view utf8_text);

// The font used when none is given, or an empty string when none is installed.
std::string default_font_path();

// Draws on a host image (gray, RGB or RGBA; 8 or 16 bit). Under the plate, alpha is raised so
// the label shows on transparent images too. Throws Error for a missing font or a text the
// font cannot draw, and for images too small to hold the label.
LabelBox draw_visible_label(const ImageView& image, const VisibleLabelOptions& options);

}  // namespace tidemark::labels
