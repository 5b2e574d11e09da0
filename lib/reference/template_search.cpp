#include "template_search.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "parallel.hpp"
#include "simd.hpp"
#include "tidemark/shared/search_ops.hpp"

namespace tidemark::detail {

std::vector<Vec2> oriented(const std::vector<Vec2>& peaks, bool mirrored) {
  std::vector<Vec2> out = peaks;
  if (mirrored)
    for (auto& p : out) p.x = -p.x;
  return out;
}

namespace {

// Predicted peak offsets from DC in bins for a similarity (theta, scale) and aspect.
struct Predictor {
  const std::vector<Vec2>& f;
  int W, H;
  void operator()(double theta, double scale, double aspect, std::vector<Vec2>& out) const {
    const double c = std::cos(theta), s = std::sin(theta);
    out.resize(f.size());
    for (std::size_t k = 0; k < f.size(); ++k) {
      const double rx = c * f[k].x - s * f[k].y, ry = (s * f[k].x + c * f[k].y) / aspect;
      out[k] = {rx / scale * W, ry / scale * H};
    }
  }
};

float bilinear_clamped(const Plane& p, double u, double v) {
  u = std::clamp(u, 0.0, p.width - 2.001);
  v = std::clamp(v, 0.0, p.height - 2.001);
  const int x0 = static_cast<int>(u), y0 = static_cast<int>(v);
  const float a = static_cast<float>(u - x0), b = static_cast<float>(v - y0);
  return (1 - a) * (1 - b) * p.at(x0, y0) + a * (1 - b) * p.at(x0 + 1, y0) + (1 - a) * b * p.at(x0, y0 + 1) +
         a * b * p.at(x0 + 1, y0 + 1);
}

double fine_score(const Plane& L, const Predictor& pred, double th, double sc, double asp, std::vector<Vec2>& tmp) {
  pred(th, sc, asp, tmp);
  double sum = 0;
  for (const auto& o : tmp) sum += bilinear_clamped(L, L.width / 2 + o.x, L.height / 2 + o.y);
  return sum / tmp.size();
}

}  // namespace

// Max over a (q+2) x (q+2 + 2 q spread) window around each pooled cell's centre, separably.
Plane max_pool(const Plane& L, int q, int spread) {
  const int hz = L.height / q, wz = L.width / q, half = (q + 2) / 2;
  Plane cols(wz, L.height), out(wz, hz);
  for (int y = 0; y < L.height; ++y)
    for (int i = 0; i < wz; ++i) {
      const int cx = i * q + q / 2;
      float m = 0;
      for (int x = std::max(0, cx - half); x <= std::min(L.width - 1, cx + half - 1); ++x) m = std::max(m, L.at(x, y));
      cols.at(i, y) = m;
    }
  for (int j = 0; j < hz; ++j) {
    const int cy = j * q + q / 2;
    const int y0 = std::max(0, cy - half - spread * q), y1 = std::min(L.height - 1, cy + half - 1 + spread * q);
    for (int i = 0; i < wz; ++i) {
      float m = 0;
      for (int y = y0; y <= y1; ++y) m = std::max(m, cols.at(i, y));
      out.at(i, j) = m;
    }
  }
  return out;
}

Affine refine_affine(const Plane& Z, const std::vector<Vec2>& f, const Affine& a0, int& used) {
  const int W = Z.width, H = Z.height;
  double sxx = 0, sxy = 0, syy = 0, oxx = 0, oxy = 0, oyx = 0, oyy = 0;
  used = 0;
  auto sub = [](double a, double b, double c) {
    double den = a - 2 * b + c;
    return std::abs(den) < 1e-9 ? 0.0 : 0.5 * (a - c) / den;
  };
  for (const auto& fc : f) {
    Vec2 p = a0.apply(fc);
    const int ui = static_cast<int>(std::lround(W / 2 + p.x * W)), vi = static_cast<int>(std::lround(H / 2 + p.y * H));
    if (ui < 3 || ui >= W - 3 || vi < 3 || vi >= H - 3) continue;
    int pu = ui, pv = vi;
    for (int dy = -2; dy <= 2; ++dy)
      for (int dx = -2; dx <= 2; ++dx)
        if (Z.at(ui + dx, vi + dy) > Z.at(pu, pv)) pu = ui + dx, pv = vi + dy;
    const double zc = Z.at(pu, pv);
    if (zc < 2.5 || pu < 1 || pu >= W - 1 || pv < 1 || pv >= H - 1) continue;
    const double ox = (pu + sub(Z.at(pu - 1, pv), zc, Z.at(pu + 1, pv)) - W / 2) / double(W);
    const double oy = (pv + sub(Z.at(pu, pv - 1), zc, Z.at(pu, pv + 1)) - H / 2) / double(H);
    const double w = zc;
    sxx += w * fc.x * fc.x; sxy += w * fc.x * fc.y; syy += w * fc.y * fc.y;
    oxx += w * ox * fc.x; oxy += w * ox * fc.y; oyx += w * oy * fc.x; oyy += w * oy * fc.y;
    ++used;
  }
  if (used < 5) return a0;
  const double det = sxx * syy - sxy * sxy;
  if (std::abs(det) < 1e-18) return a0;
  // A = (sum w o c^T) (sum w c c^T)^-1
  const double i00 = syy / det, i01 = -sxy / det, i11 = sxx / det;
  Affine a{oxx * i00 + oxy * i01, oxx * i01 + oxy * i11, oyx * i00 + oyy * i01, oyx * i01 + oyy * i11};
  const double ref = std::max({std::abs(a0.a), std::abs(a0.b), std::abs(a0.c), std::abs(a0.d)});
  const double dev = std::max({std::abs(a.a - a0.a), std::abs(a.b - a0.b), std::abs(a.c - a0.c), std::abs(a.d - a0.d)});
  return dev > 0.05 * ref ? a0 : a;
}

Affine similarity(double th, double sc, double asp, bool mirrored) {
  const double c = std::cos(th), s = std::sin(th);
  const double m = mirrored ? -1.0 : 1.0;  // mirror acts on canonical x first
  return {c * m / sc, -s / sc, s * m / (sc * asp), c / (sc * asp)};
}

SearchGrid search_grid(int W, int H, const std::vector<Vec2>& peaks, const SearchPass& pass) {
  SearchGrid g;
  for (const auto& p : peaks) g.fmax = std::max(g.fmax, std::hypot(p.x, p.y));
  g.q = std::max(1, (std::max(W, H) + pass.coarse_bins - 1) / pass.coarse_bins);
  const double rmax = g.fmax / kScaleMin * std::max(W, H) / g.q;  // outermost radius in pooled bins
  g.dth = 1.0 / rmax;
  g.nth = pass.axis_aligned ? static_cast<int>(std::ceil(std::log(kAxisAspectMax / kAxisAspectMin) / g.dth)) + 1
                           : static_cast<int>(std::ceil(std::numbers::pi / g.dth));
  g.nsc = static_cast<int>(std::ceil(std::log(kScaleMax / kScaleMin) / g.dth)) + 1;
  return g;
}

GridPoint grid_point(const SearchGrid& g, const SearchPass& pass, int it, int is, double aspect) {
  const double scale = kScaleMin * std::exp(is * g.dth);
  if (pass.axis_aligned) return {0.0, scale, kAxisAspectMin * std::exp(it * g.dth)};
  return {it * g.dth, scale, aspect};
}

double fine_aspect_half(const SearchGrid& g, const SearchPass& pass) {
  return pass.aspects.size() > 1 || pass.axis_aligned ? (pass.spread + 1.5) * g.dth * g.q : 0.0;
}

void rotated_peaks(const std::vector<Vec2>& f, const SearchGrid& g, const SearchPass& pass, int W, int H, double aspect,
                   std::vector<float>& rx, std::vector<float>& ry) {
  rx.assign(std::size_t(g.nth) * f.size(), 0.0f);
  ry.assign(rx.size(), 0.0f);
  for (int it = 0; it < g.nth; ++it) {
    const GridPoint p = grid_point(g, pass, it, 0, aspect);
    const double c = std::cos(p.theta), s = std::sin(p.theta);
    for (std::size_t k = 0; k < f.size(); ++k) {
      rx[it * f.size() + k] = static_cast<float>((c * f[k].x - s * f[k].y) * W / g.q);
      ry[it * f.size() + k] = static_cast<float>((s * f[k].x + c * f[k].y) / p.aspect * H / g.q);
    }
  }
}

float coarse_inverse_scale(const SearchGrid& g, int is) { return static_cast<float>(1.0 / (kScaleMin * std::exp(is * g.dth))); }

Candidate finish_candidate(const Spectrum& spec, const std::vector<Vec2>& peaks, double score, double th, double sc,
                           double asp, bool mirrored) {
  Candidate c;
  c.score = score;
  c.theta = std::fmod(th + 2 * std::numbers::pi, std::numbers::pi);
  c.scale = sc;
  c.aspect = asp;
  c.mirrored = mirrored;
  c.fit = refine_affine(spec.z, peaks, similarity(th, sc, asp, mirrored), c.peaks_used);
  return c;
}


// Coarse scores of every rotation at one scale: mean of the framed pooled map at the predicted
// peaks. Multiversioned (simd.hpp): with AVX2 the lookups become gathers.
TM_SIMD_CLONES void score_scale_row(const float* framed, int pw, int ph, const float* rx, const float* ry, int nk, int nth,
                                    float cxq, float cyq, float inv, float* out) {
  for (int it = 0; it < nth; ++it)
    out[it] = shared::coarse_cell_score(framed, pw, ph, rx + std::size_t(it) * nk, ry + std::size_t(it) * nk, nk, cxq, cyq, inv);
}

std::vector<Candidate> template_search(const Spectrum& spec, const Plane& Zp, const std::vector<Vec2>& peaks,
                                       const SearchPass& pass, int threads) {
  const int keep = pass.verify;
  const Plane& L = spec.log;
  const int W = L.width, H = L.height;
  const SearchGrid g = search_grid(W, H, peaks, pass);
  const int q = g.q, nth = g.nth, nsc = g.nsc;
  const double dth = g.dth, fmax = g.fmax;

  struct Coarse {
    float score;
    int is, it;
    double aspect;
    bool mirrored;
  };
  std::vector<Coarse> coarse;
  std::vector<bool> mirrors{false};
  if (pass.mirror) mirrors.push_back(true);
  for (bool mir : mirrors) {
    const auto f = oriented(peaks, mir);
    for (double asp : pass.aspects) {
      // Rotated peaks per theta, computed once; per scale they are only divided.
      std::vector<float> rx, ry;
      rotated_peaks(f, g, pass, W, H, asp, rx, ry);
      Plane S(nth, nsc);
      // Lookups land in a copy of the pooled map framed by one row/column of zeros; clamping
      // indices into the frame replaces per-lookup bounds tests.
      const int pw = Zp.width + 2, ph = Zp.height + 2;
      std::vector<float> framed(std::size_t(pw) * ph, 0.0f);
      for (int v = 0; v < Zp.height; ++v) std::copy(Zp.row(v), Zp.row(v) + Zp.width, framed.begin() + std::size_t(v + 1) * pw + 1);
      const float cxq = float(W / 2) / q + 1.5f, cyq = float(H / 2) / q + 1.5f;  // +1 frame, +0.5 rounding
      const int nk = static_cast<int>(f.size());
      parallel_for(nsc, threads, [&](int s0, int s1) {
        for (int is = s0; is < s1; ++is) {
          const float inv = coarse_inverse_scale(g, is);
          score_scale_row(framed.data(), pw, ph, rx.data(), ry.data(), nk, nth, cxq, cyq, inv, S.row(is));
        }
      }, /*grain=*/2);  // a row scores every angle: a few rows are worth a thread
      // Non-maximum suppression: theta wraps (so do an axis-aligned pass's aspect ends, both the
      // search's limits), scale clamps.
      Plane rowmax(nth, nsc);
      for (int is = 0; is < nsc; ++is) {
        const float* srow = S.row(is);
        for (int it = 0; it < nth; ++it) {
          float m = 0;
          if (it >= kNmsRadius && it + kNmsRadius < nth) {
            for (int t = it - kNmsRadius; t <= it + kNmsRadius; ++t) m = std::max(m, srow[t]);
          } else {
            for (int d = -kNmsRadius; d <= kNmsRadius; ++d) {
              int t = it + d;
              t = t < 0 ? t + nth : (t >= nth ? t - nth : t);  // theta wraps
              m = std::max(m, srow[t]);
            }
          }
          rowmax.at(it, is) = m;
        }
      }
      // Only the maxima of their row (about one cell in nine) can be maxima of the window.
      for (int is = 0; is < nsc; ++is)
        for (int it = 0; it < nth; ++it) {
          const float v = S.at(it, is);
          if (!(v > 0) || v != rowmax.at(it, is)) continue;
          float m = 0;
          for (int d = std::max(0, is - kNmsRadius); d <= std::min(nsc - 1, is + kNmsRadius); ++d) m = std::max(m, rowmax.at(it, d));
          if (v == m) coarse.push_back({v, is, it, asp, mir});
        }
    }
  }
  std::sort(coarse.begin(), coarse.end(), [](const Coarse& a, const Coarse& b) { return a.score > b.score; });
  const std::size_t maxima = coarse_keep(W, H);
  if (coarse.size() > maxima) coarse.resize(maxima);

  // Fine stage on the full-resolution log spectrum, bilinear: (theta, scale) at 1/2 then 1/8 bin
  // steps (scale only in an axis-aligned pass), aspect refined in between when this pass searches
  // aspect.
  std::vector<Candidate> fine(coarse.size());
  parallel_for(static_cast<int>(coarse.size()), threads, [&](int c0, int c1) {
    std::vector<Vec2> tmp;
    for (int ci = c0; ci < c1; ++ci) {
      const Coarse& cc = coarse[ci];
      const auto f = oriented(peaks, cc.mirrored);
      const Predictor pred{f, W, H};
      const GridPoint start = grid_point(g, pass, cc.it, cc.is, cc.aspect);
      double th = start.theta, sc = start.scale, asp = start.aspect;
      const double rfull = fmax / sc * std::max(W, H);
      for (int stage = 0; stage < 2; ++stage) {
        const double half = stage == 0 ? 2.0 * dth : 0.75 / rfull, step = stage == 0 ? 0.5 / rfull : 0.125 / rfull;
        const int n = static_cast<int>(std::floor(half / step));
        const int nt = pass.axis_aligned ? 0 : n;  // an axis-aligned pass keeps rotation 0
        double best = -1, bth = th, bsc = sc;
        for (int i = -nt; i <= nt; ++i)
          for (int j = -n; j <= n; ++j) {
            const double t = th + i * step, s = sc * std::exp(j * step);
            const double v = fine_score(L, pred, t, s, asp, tmp);
            if (v > best) best = v, bth = t, bsc = s;
          }
        th = bth, sc = bsc;
        if (const double ah = shared::fine_aspect_half_at(fine_aspect_half(g, pass), half, stage); ah > 0) {
          const int na = static_cast<int>(std::floor(ah / step));
          double ba = -1, basp = asp;
          for (int i = -na; i <= na; ++i) {
            const double a = asp * std::exp(i * step);
            const double v = fine_score(L, pred, th, sc, a, tmp);
            if (v > ba) ba = v, basp = a;
          }
          asp = basp;
        }
      }
      const Candidate c = finish_candidate(spec, peaks, fine_score(L, pred, th, sc, asp, tmp), th, sc, asp, cc.mirrored);
      fine[ci] = c;
    }
  }, /*grain=*/1);
  std::sort(fine.begin(), fine.end(), [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  if (fine.size() > std::size_t(keep)) fine.resize(keep);
  return fine;
}

}  // namespace tidemark::detail
