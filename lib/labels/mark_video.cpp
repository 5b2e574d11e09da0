#include "labels/mark_video.hpp"

#include <mutex>

#include "labels/binding.hpp"
#include "tidemark/error.hpp"
#include "video/luma_plane.hpp"

namespace tidemark::labels {

VideoMarkResult mark_video_file(const std::filesystem::path& input, const std::filesystem::path& output,
                                const MarkRequest& r, const Key& key, const VideoMarkOptions& options,
                                const io::VideoProgressFn& progress, const io::VideoInputOptions& input_options) {
  check_request(r, key);
  VideoMarkResult out;
  MarkResult& m = out.mark;
  m.produce_id = r.produce_id.empty() ? random_produce_id() : r.produce_id;
  m.payload = payload_for_produce_id(m.produce_id);
  m.label = first_write_label(r.producer, m.produce_id, r.label_value);
  if (r.sign) m.label.reserved_code1 = sign_label(m.label, m.payload, key);
  require_valid(m.label);

  io::VideoEncodeOptions encode = options.encode;
  encode.metadata.emplace_back("AIGC", to_bare_json(m.label));
  if (r.visible) {
    const VisibleLabelOptions visible = *r.visible;
    const double seconds = options.visible_seconds;
    encode.overlay = [visible, seconds, &m](const LumaPlane& luma, double t) -> std::optional<io::PlaneRect> {
      if (seconds > 0 && t >= seconds) return std::nullopt;
      // The label is drawn in the core's sample convention (8 bit, or 16-bit full scale).
      detail::ScaledLuma plane(luma, "video frame");
      const LabelBox box = draw_visible_label(plane.view(), visible);
      plane.write_back();
      m.visible_box = box;
      return io::PlaneRect{box.x, box.y, box.width, box.height};
    };
  }
  out.video = io::embed_video_file(input, output, key, m.payload, options.embed, encode, progress, input_options);
  m.width = out.video.width;
  m.height = out.video.height;
  return out;
}

}  // namespace tidemark::labels
