// embed_video_file: decode -> mark -> encode as three threads joined by bounded queues; streams
// other than the marked video are copied packet by packet.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>

extern "C" {
#include <libavutil/display.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
}

#include "bounded_queue.hpp"
#include "../temp_output.hpp"
#include "video_input.hpp"
#include "core/quality.hpp"

namespace tidemark::io {
namespace {

constexpr std::size_t kQueueFrames = 6;  // per stage: a few frames in flight, memory stays flat

bool has_private_option(AVCodecContext* ctx, const char* name) {
  return ctx->priv_data && av_opt_find(ctx->priv_data, name, nullptr, 0, 0) != nullptr;
}

// The pixel format we encode and mark in: the input's own when the encoder takes it and its luma
// can be marked directly, else the encoder's closest format that can.
AVPixelFormat choose_pixel_format(const AVCodec* enc, AVPixelFormat src) {
  const bool src_ok = luma_bit_depth(src).has_value();
  if (!enc->pix_fmts) return src_ok ? src : AV_PIX_FMT_YUV420P;
  std::vector<AVPixelFormat> usable;
  for (const AVPixelFormat* p = enc->pix_fmts; *p != AV_PIX_FMT_NONE; ++p) {
    if (*p == src && src_ok) return src;
    if (luma_bit_depth(*p)) usable.push_back(*p);
  }
  if (usable.empty()) return AV_PIX_FMT_NONE;
  usable.push_back(AV_PIX_FMT_NONE);
  return avcodec_find_best_pix_fmt_of_list(usable.data(), src, 0, nullptr);
}

void copy_stream_side_data(const AVStream* in, AVStream* out) {
#if LIBAVFORMAT_VERSION_MAJOR < 61
  for (int i = 0; i < in->nb_side_data; ++i) {
    const AVPacketSideData& sd = in->side_data[i];
    if (sd.type == AV_PKT_DATA_CPB_PROPERTIES) continue;  // describes the old encode
    std::uint8_t* dst = av_stream_new_side_data(out, sd.type, sd.size);
    if (dst) std::memcpy(dst, sd.data, sd.size);
  }
#else
  for (int i = 0; i < in->codecpar->nb_coded_side_data; ++i) {
    const AVPacketSideData& sd = in->codecpar->coded_side_data[i];
    if (sd.type == AV_PKT_DATA_CPB_PROPERTIES) continue;
    AVPacketSideData* dst = av_packet_side_data_new(&out->codecpar->coded_side_data, &out->codecpar->nb_coded_side_data,
                                                    sd.type, sd.size, 0);
    if (dst) std::memcpy(dst->data, sd.data, sd.size);
  }
#endif
}

void copy_metadata(AVDictionary** dst, const AVDictionary* src) {
  av_dict_copy(dst, src, 0);
  av_dict_set(dst, "encoder", nullptr, 0);  // the muxer names the new encoder
}

// Sets the colour of a rectangle of the luma plane's frame to neutral grey (the chroma planes'
// middle value), so a label plate drawn on luma is grey, not tinted by the picture under it.
void neutralise_chroma(AVFrame& f, const PlaneRect& r) {
  const AVPixFmtDescriptor* d = av_pix_fmt_desc_get(AVPixelFormat(f.format));
  if (!d || d->nb_components < 3 || (d->flags & AV_PIX_FMT_FLAG_RGB)) return;
  const int x0 = r.x >> d->log2_chroma_w, y0 = r.y >> d->log2_chroma_h;
  const int x1 = (r.x + r.width + (1 << d->log2_chroma_w) - 1) >> d->log2_chroma_w;
  const int y1 = (r.y + r.height + (1 << d->log2_chroma_h) - 1) >> d->log2_chroma_h;
  for (int c = 1; c <= 2; ++c) {
    const AVComponentDescriptor& comp = d->comp[c];
    const int mid = (1 << (comp.depth - 1)) << comp.shift;
    for (int y = y0; y < y1; ++y) {
      std::uint8_t* row = f.data[comp.plane] + std::ptrdiff_t(y) * f.linesize[comp.plane];
      for (int x = x0; x < x1; ++x) {
        std::uint8_t* px = row + std::ptrdiff_t(x) * comp.step + comp.offset;
        if (comp.step == 1 || (comp.step == 2 && comp.depth <= 8)) *px = static_cast<std::uint8_t>(mid);
        else std::memcpy(px, &mid, 2);  // little-endian 16-bit sample
      }
    }
  }
}

struct Pipeline {
  Pipeline(VideoInput& input, std::string name) : in(input), out_name(std::move(name)) {}
  VideoInput& in;
  std::string out_name;
  av::OutputPtr out;
  av::CodecPtr enc;
  AVStream* out_video = nullptr;
  std::vector<int> stream_map;  // input stream -> output stream, -1 when dropped
  av::SwsPtr sws;
  AVPixelFormat pix_fmt = AV_PIX_FMT_NONE;
  int bit_depth = 8;
  std::int64_t last_pts = AV_NOPTS_VALUE;
  av::PacketPtr enc_pkt = av::make_packet();

  // Converted (or made writable) frame in the encoder's format.
  av::FramePtr prepare(av::FramePtr f) {
    if (f->format == pix_fmt && f->width == enc->width && f->height == enc->height) {
      av::check(av_frame_make_writable(f.get()), in.name(), "cannot copy a decoded frame", Status::Internal);
      return f;
    }
    if (f->width != enc->width || f->height != enc->height)
      throw Error(Status::Unsupported, in.name() + ": the frame size changes mid-stream (" + std::to_string(enc->width) +
                                           "x" + std::to_string(enc->height) + " -> " + std::to_string(f->width) + "x" +
                                           std::to_string(f->height) + ")");
    sws.reset(sws_getCachedContext(sws.release(), f->width, f->height, AVPixelFormat(f->format), enc->width, enc->height,
                                   pix_fmt, SWS_BICUBIC | SWS_ACCURATE_RND, nullptr, nullptr, nullptr));
    if (!sws) throw Error(Status::Unsupported, in.name() + ": cannot convert its pixel format for the encoder");
    auto g = av::make_frame();
    g->format = pix_fmt, g->width = enc->width, g->height = enc->height;
    av::check(av_frame_get_buffer(g.get(), 0), in.name(), "out of memory", Status::Internal);
    av::check(av_frame_copy_props(g.get(), f.get()), in.name(), "frame properties", Status::Internal);
    sws_scale(sws.get(), f->data, f->linesize, 0, f->height, g->data, g->linesize);
    return g;
  }

  void write_packet(AVPacket* pkt) {
    av::check(av_interleaved_write_frame(out.get(), pkt), out_name, "cannot write", Status::IoError);
  }

  void drain_encoder() {
    for (;;) {
      const int rc = avcodec_receive_packet(enc.get(), enc_pkt.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return;
      av::check(rc, out_name, "video encoder failed", Status::Internal);
      av_packet_rescale_ts(enc_pkt.get(), enc->time_base, out_video->time_base);
      enc_pkt->stream_index = out_video->index;
      write_packet(enc_pkt.get());
    }
  }

  void encode(AVFrame* f) {
    if (f) {
      std::int64_t pts = f->best_effort_timestamp;
      if (pts == AV_NOPTS_VALUE || (last_pts != AV_NOPTS_VALUE && pts <= last_pts))
        pts = last_pts == AV_NOPTS_VALUE ? 0 : last_pts + 1;  // encoders need strictly rising timestamps
      f->pts = last_pts = pts;
      f->pict_type = AV_PICTURE_TYPE_NONE;  // let the encoder choose its own frame types
    }
    av::check(avcodec_send_frame(enc.get(), f), out_name, "video encoder failed", Status::Internal);
    drain_encoder();
  }

  void copy_packet(AVPacket* pkt) {
    const int target = stream_map[pkt->stream_index];
    if (target < 0) return;
    av_packet_rescale_ts(pkt, in.format()->streams[pkt->stream_index]->time_base, out->streams[target]->time_base);
    pkt->stream_index = target;
    pkt->pos = -1;
    write_packet(pkt);
  }
};

}  // namespace

VideoEmbedResult embed_video_file(const std::filesystem::path& input, const std::filesystem::path& output,
                                  const Key& key, const Payload& payload, const VideoEmbedParams& params,
                                  const VideoEncodeOptions& encode, const VideoProgressFn& progress,
                                  const VideoInputOptions& input_options) {
  std::error_code ec;
  if (std::filesystem::exists(output, ec) && std::filesystem::equivalent(input, output, ec))
    throw Error(Status::InvalidArgument, output.string() + ": refusing to overwrite the input");
  const AVOutputFormat* ofmt = av_guess_format(nullptr, output.string().c_str(), nullptr);
  if (!ofmt)
    throw Error(Status::InvalidArgument, output.string() + ": cannot tell the container from the name (use .mp4, .mov, .mkv, .webm or .avi)");
  const AVCodec* codec = avcodec_find_encoder_by_name(encode.codec.c_str());
  if (!codec || codec->type != AVMEDIA_TYPE_VIDEO)
    throw Error(Status::InvalidArgument, "unknown video encoder '" + encode.codec + "' (try libx264, libx265, libvpx-vp9, libaom-av1)");
  if (avformat_query_codec(ofmt, codec->id, FF_COMPLIANCE_NORMAL) == 0)
    throw Error(Status::InvalidArgument, output.string() + ": the " + ofmt->name + " container cannot hold " + codec->name);

  const auto started = std::chrono::steady_clock::now();
  VideoInput in(input, input_options, false);
  Pipeline pl(in, output.string());

  // Read up to the first frame: the encoder is set up from what the decoder actually delivers.
  std::vector<VideoInput::Item> head;
  for (VideoInput::Item item; in.next(item);) {
    const bool frame = item.frame != nullptr;
    head.push_back(std::move(item));
    if (frame) break;
  }
  const AVFrame& first = *head.back().frame;
  const AVPixelFormat source = in.stream_pixel_format(first);
  pl.pix_fmt = choose_pixel_format(codec, source);
  if (pl.pix_fmt == AV_PIX_FMT_NONE)
    throw Error(Status::Unsupported, std::string("encoder ") + codec->name + " offers no pixel format with a luma plane");
  pl.bit_depth = *luma_bit_depth(pl.pix_fmt);

  TempOutput temp(output);
  AVFormatContext* raw = nullptr;
  av::check(avformat_alloc_output_context2(&raw, ofmt, nullptr, temp.path().string().c_str()), pl.out_name,
            "cannot create the output", Status::IoError);
  pl.out.reset(raw);

  // Encoder: same size, timing and colour description as the input.
  AVStream* in_st = in.video_stream();
  pl.enc.reset(avcodec_alloc_context3(codec));
  AVCodecContext* e = pl.enc.get();
  e->width = first.width, e->height = first.height, e->pix_fmt = pl.pix_fmt;
  e->sample_aspect_ratio = first.sample_aspect_ratio.num ? first.sample_aspect_ratio : in_st->sample_aspect_ratio;
  e->time_base = in_st->time_base;
  e->framerate = av_guess_frame_rate(in.format(), in_st, nullptr);
  const bool converted = pl.pix_fmt != source;
  const AVPixFmtDescriptor* src_desc = av_pix_fmt_desc_get(source);
  const bool from_rgb = src_desc && (src_desc->flags & AV_PIX_FMT_FLAG_RGB);
  e->color_range = from_rgb ? AVCOL_RANGE_MPEG : first.color_range;
  e->colorspace = from_rgb ? AVCOL_SPC_SMPTE170M : first.colorspace;
  e->color_primaries = first.color_primaries;
  e->color_trc = first.color_trc;
  e->chroma_sample_location = converted ? AVCHROMA_LOC_UNSPECIFIED : first.chroma_location;
  e->field_order = in.decoder()->field_order;
  e->thread_count = 0;
  if (pl.out->oformat->flags & AVFMT_GLOBALHEADER) e->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (encode.bitrate) {
    e->bit_rate = *encode.bitrate;
  } else if (has_private_option(e, "crf")) {
    av::check(av_opt_set_int(e->priv_data, "crf", encode.crf.value_or(18), 0), pl.out_name, "constant quality (CRF) out of the encoder's range",
              Status::InvalidArgument);
  } else if (has_private_option(e, "cq")) {
    // NVENC's constant quality: its VBR rate control with a quality target and no bitrate cap
    // (the QP-like scale of x264's CRF; otherwise NVENC would aim at its default bitrate).
    av::check(av_opt_set(e->priv_data, "rc", "vbr", 0), pl.out_name, "cannot select constant quality", Status::InvalidArgument);
    av::check(av_opt_set_int(e->priv_data, "cq", encode.crf.value_or(18), 0), pl.out_name, "constant quality (CRF) out of the encoder's range",
              Status::InvalidArgument);
    e->bit_rate = 0;
  } else if (encode.crf) {
    throw Error(Status::InvalidArgument, std::string("encoder ") + codec->name + " has no CRF setting: use a bitrate");
  }
  if (!encode.preset.empty()) {
    if (!has_private_option(e, "preset"))
      throw Error(Status::InvalidArgument, std::string("encoder ") + codec->name + " has no preset setting");
    av::check(av_opt_set(e->priv_data, "preset", encode.preset.c_str(), 0), pl.out_name,
              ("unknown preset '" + encode.preset + "'").c_str(), Status::InvalidArgument);
  }
  const av::LoggedError logged;
  if (const int rc = avcodec_open2(e, codec, nullptr); rc < 0) {
    std::string why = pl.out_name + ": cannot open the " + codec->name + " encoder: " + logged.explain(rc);
    if (codec->capabilities & AV_CODEC_CAP_HARDWARE) why += "; a hardware encoder needs its GPU and driver (libx264 encodes in software)";
    throw Error(Status::Unsupported, why);
  }

  // Streams: the marked video where it was, the others copied when the container can hold them.
  VideoEmbedResult result;
  pl.stream_map.assign(in.format()->nb_streams, -1);
  for (unsigned i = 0; i < in.format()->nb_streams; ++i) {
    AVStream* src = in.format()->streams[i];
    const AVCodecParameters* par = src->codecpar;
    if (int(i) != in.video_index()) {
      const bool copyable = par->codec_type == AVMEDIA_TYPE_AUDIO || par->codec_type == AVMEDIA_TYPE_SUBTITLE ||
                            par->codec_type == AVMEDIA_TYPE_DATA || par->codec_type == AVMEDIA_TYPE_ATTACHMENT;
      if (!copyable || par->codec_id == AV_CODEC_ID_NONE ||
          avformat_query_codec(pl.out->oformat, par->codec_id, FF_COMPLIANCE_NORMAL) == 0) {
        ++result.streams_dropped;
        continue;
      }
    }
    AVStream* dst = avformat_new_stream(pl.out.get(), nullptr);
    if (!dst) throw Error(Status::Internal, pl.out_name + ": out of memory");
    if (int(i) == in.video_index()) {
      av::check(avcodec_parameters_from_context(dst->codecpar, e), pl.out_name, "encoder parameters", Status::Internal);
      dst->time_base = e->time_base;
      dst->avg_frame_rate = e->framerate;
      pl.out_video = dst;
    } else {
      av::check(avcodec_parameters_copy(dst->codecpar, par), pl.out_name, "stream parameters", Status::Internal);
      dst->codecpar->codec_tag = 0;
      dst->time_base = src->time_base;
      ++result.streams_copied;
    }
    copy_metadata(&dst->metadata, src->metadata);
    dst->disposition = src->disposition;
    copy_stream_side_data(src, dst);
    pl.stream_map[i] = dst->index;
  }
  copy_metadata(&pl.out->metadata, in.format()->metadata);
  for (const auto& [k, v] : encode.metadata) av_dict_set(&pl.out->metadata, k.c_str(), v.c_str(), 0);
  AVDictionary* mux_options = nullptr;
  const std::string muxer = pl.out->oformat->name;
  if (!encode.metadata.empty() && (muxer == "mp4" || muxer == "mov" || muxer == "ipod" || muxer == "3gp"))
    av_dict_set(&mux_options, "movflags", "use_metadata_tags", 0);
  if (!(pl.out->oformat->flags & AVFMT_NOFILE))
    av::check(avio_open(&pl.out->pb, temp.path().string().c_str(), AVIO_FLAG_WRITE), pl.out_name, "cannot create",
              Status::IoError);
  const int header_rc = avformat_write_header(pl.out.get(), &mux_options);
  av_dict_free(&mux_options);
  av::check(header_rc, pl.out_name, "cannot write the header", Status::IoError);

  // decode -> [q1] -> mark -> [q2] -> encode + write (this thread).
  BoundedQueue<VideoInput::Item> decoded(kQueueFrames), marked(kQueueFrames);
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto fail = [&](std::exception_ptr e) {
    std::lock_guard lock(failure_mutex);
    if (!failure) failure = e;
    decoded.abort();
    marked.abort();
  };
  FrameMarker marker(key, payload, params);
  double psnr_sum = 0;
  std::thread reader([&] {
    try {
      for (auto& item : head)
        if (!decoded.push(std::move(item))) return;
      for (VideoInput::Item item; in.next(item);)
        if (!decoded.push(std::move(item))) return;
      decoded.close();
    } catch (...) {
      fail(std::current_exception());
    }
  });
  std::thread marking([&] {
    Image before;
    try {
      while (auto item = decoded.pop()) {
        if (item->frame) {
          item->frame = pl.prepare(std::move(item->frame));
          const LumaPlane luma = luma_of(*item->frame, pl.bit_depth);
          // The unmarked luma, for the PSNR; one buffer for the clip (a frame's worth of fresh pages
          // each time cost page faults).
          if (before.width() != luma.view.width || before.height() != luma.view.height || before.type() != luma.view.type)
            before = Image(luma.view.width, luma.view.height, 1, luma.view.type);
          for (int y = 0; y < luma.view.height; ++y)
            std::memcpy(before.view().row<unsigned char>(y), luma.view.row<unsigned char>(y), luma.view.row_bytes());
          const auto t0 = std::chrono::steady_clock::now();
          if (encode.overlay)
            if (const auto rect = encode.overlay(luma, in.seconds(*item->frame))) neutralise_chroma(*item->frame, *rect);
          const FrameMarkReport r = marker.mark(luma);
          result.mark_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
          result.reanchors += r.reanchored && marker.frames() > 1;
          psnr_sum += detail::psnr_db(before.view(), luma.view, double((1 << std::min(pl.bit_depth, 16)) - 1));
        }
        if (!marked.push(std::move(*item))) return;
      }
      marked.close();
    } catch (...) {
      fail(std::current_exception());
    }
  });
  try {
    VideoProgress prog{0, in.expected_frames(), 0, in.duration()};
    while (auto item = marked.pop()) {
      if (item->packet) {
        pl.copy_packet(item->packet.get());
        continue;
      }
      prog.seconds = in.seconds(*item->frame);
      pl.encode(item->frame.get());
      ++prog.frames;
      if (progress) progress(prog);
    }
  } catch (...) {
    fail(std::current_exception());
  }
  reader.join();
  marking.join();
  if (failure) std::rethrow_exception(failure);
  pl.encode(nullptr);
  av::check(av_write_trailer(pl.out.get()), pl.out_name, "cannot finish the file", Status::IoError);
  if (pl.out->pb) av::check(avio_closep(&pl.out->pb), pl.out_name, "cannot close", Status::IoError);
  // Containers that cannot hold a requested tag drop it silently: read the finished file back.
  if (!encode.metadata.empty()) {
    const auto written = read_container_metadata(temp.path());
    for (const auto& [k, v] : encode.metadata) {
      const bool found = std::any_of(written.begin(), written.end(), [&](const auto& w) { return w.first == k && w.second == v; });
      if (!found)
        throw Error(Status::Unsupported, pl.out_name + ": the " + muxer + " container did not keep the '" + k +
                                             "' metadata; use .mp4, .mov or .mkv");
    }
  }
  temp.commit();

  result.frames = marker.frames();
  result.width = e->width, result.height = e->height;
  result.input_codec = avcodec_get_name(in_st->codecpar->codec_id);
  result.output_codec = codec->name;
  result.pixel_format = av_get_pix_fmt_name(pl.pix_fmt);
  result.bit_depth = pl.bit_depth;
  result.duration = in.duration();
  result.mean_psnr = result.frames ? psnr_sum / result.frames : 0;
  result.decode_errors = in.decode_errors();
  result.decoding = in.decoding();
  result.total_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

}  // namespace tidemark::io
