#include "batching/offline_optimal_policy.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <utility>

#include "common/parse.h"

namespace gb {
namespace {

constexpr int64_t kUnbounded = std::numeric_limits<int64_t>::max() / 4;
// Energies closer than this are equal: the plan is optimal to within it.
constexpr double kTie = 1e-9;

// One linear piece of V_j, the least energy of serving the first j requests with the last batch
// ending at e, over the ends e in [lo, hi]. Pieces keep no provenance: adjacent pieces on one
// line merge whatever schedules made them (equal costs reached along different paths would
// otherwise splinter V_j), and the plan is recovered by searching for a predecessor instead.
struct Piece {
  int64_t lo, hi;
  double cost_lo;  // V_j(lo)
  double slope;    // dV_j/de, joules per nanosecond
  double at(int64_t e) const { return cost_lo + slope * static_cast<double>(e - lo); }
  Piece on(int64_t from, int64_t to) const { return {from, to, at(from), slope}; }
};

// Whether `b` continues `a` on the same line (within kTie), so the two may be one piece.
bool continues(const Piece& a, const Piece& b) {
  return a.hi + 1 == b.lo && a.slope == b.slope && std::abs(a.at(b.lo) - b.cost_lo) <= kTie;
}

// A batch of one size after a gap in [lo, hi]: service time constant, energy linear in the gap.
struct Segment {
  int64_t lo, hi;
  int64_t service;
  double energy_lo, slope;
};

// Adds `x` to the lower envelope `env` (disjoint pieces sorted by lo): where x is strictly
// cheaper, it replaces what was there.
void insert(std::vector<Piece>& env, const Piece& x, std::vector<Piece>& out) {
  auto first = std::lower_bound(env.begin(), env.end(), x.lo,
                                [](const Piece& p, int64_t e) { return p.hi < e; });
  auto last = first;
  // Most candidates are beaten everywhere: settle that without touching the envelope. Linear
  // functions compare at the ends of each overlap; a stretch no piece covers is x's.
  bool wins = false;
  int64_t covered = x.lo;
  for (; last != env.end() && last->lo <= x.hi; ++last) {
    const int64_t lo = std::max(last->lo, x.lo), hi = std::min(last->hi, x.hi);
    if (lo > covered || x.at(lo) + kTie < last->at(lo) || x.at(hi) + kTie < last->at(hi)) {
      wins = true;
    }
    covered = hi + 1;
  }
  if (!wins && covered > x.hi) return;
  out.clear();
  bool last_is_x = false;
  const auto keep = [&](const Piece& p, int64_t from, int64_t to) {
    if (from > to) return;
    out.push_back(p.on(from, to));
    last_is_x = false;
  };
  const auto take_x = [&](int64_t from, int64_t to) {
    if (from > to) return;
    if (last_is_x && out.back().hi + 1 == from) {
      out.back().hi = to;
    } else {
      out.push_back(x.on(from, to));
    }
    last_is_x = true;
  };
  int64_t next = x.lo;
  for (auto it = first; it != last; ++it) {
    const Piece& k = *it;
    keep(k, k.lo, std::min(k.hi, x.lo - 1));
    take_x(next, std::min(x.hi, k.lo - 1));
    const int64_t lo = std::max(k.lo, x.lo), hi = std::min(k.hi, x.hi);
    // x must be cheaper by more than rounding: equal schedules reached along different paths
    // would otherwise splinter the envelope into fragments that differ by 1e-16 J.
    const auto d = [&](int64_t e) { return x.at(e) - k.at(e) + kTie; };
    const bool x_left = d(lo) < 0, x_right = d(hi) < 0;
    if (!x_left && !x_right) {
      keep(k, lo, hi);
    } else if (x_left && x_right) {
      take_x(lo, hi);
    } else {
      // One crossing: the last e on the left side's winner.
      const double slope = x.slope - k.slope;
      int64_t c = slope == 0 ? lo : lo + static_cast<int64_t>(std::floor(-d(lo) / slope));
      c = std::clamp(c, lo, hi - 1);
      while (c + 1 < hi && (d(c + 1) < 0) == x_left) ++c;
      while (c > lo && (d(c) < 0) != x_left) --c;
      if (x_left) {
        take_x(lo, c);
        keep(k, c + 1, hi);
      } else {
        keep(k, lo, c);
        take_x(c + 1, hi);
      }
    }
    keep(k, x.hi + 1, k.hi);
    next = hi + 1;
  }
  take_x(next, x.hi);
  // Merge what now lies on one line, the neighbours outside the replaced range included.
  std::size_t at = static_cast<std::size_t>(first - env.begin());
  std::size_t end = static_cast<std::size_t>(last - env.begin());
  if (at > 0) out.insert(out.begin(), env[--at]);
  if (end < env.size()) out.push_back(env[end++]);
  std::size_t kept = 0;
  for (std::size_t t = 1; t < out.size(); ++t) {
    if (continues(out[kept], out[t])) {
      out[kept].hi = out[t].hi;
    } else {
      out[++kept] = out[t];
    }
  }
  out.resize(out.empty() ? 0 : kept + 1);
  env.erase(env.begin() + static_cast<std::ptrdiff_t>(at),
            env.begin() + static_cast<std::ptrdiff_t>(end));
  env.insert(env.begin() + static_cast<std::ptrdiff_t>(at), out.begin(), out.end());
}

// The least energy of a batch with segment `g`'s gaps starting at s after a prefix whose
// envelope piece is `q`: the previous end e ranges over [max(q.lo, s - g.hi), min(q.hi, s - g.lo)]
// and q.at(e) + energy(s - e) is linear in e, so one end of that interval is best. Returns the
// cost and that end (cost infinite when the interval is empty).
std::pair<double, int64_t> best_previous_end(const Piece& q, const Segment& g, int64_t s) {
  const int64_t lo = std::max(q.lo, s - g.hi), hi = std::min(q.hi, s - g.lo);
  if (lo > hi) return {std::numeric_limits<double>::infinity(), 0};
  const auto cost = [&](int64_t e) {
    return q.at(e) + g.energy_lo + g.slope * static_cast<double>(s - e - g.lo);
  };
  const double at_lo = cost(lo), at_hi = cost(hi);
  return at_hi < at_lo ? std::make_pair(at_hi, hi) : std::make_pair(at_lo, lo);
}

// As a function of the start s in [s_min, s_max], best_previous_end's cost is linear in up to
// two pieces (where the interval's binding end changes); `emit(s_lo, s_hi, cost(s_lo), slope)`
// receives each.
template <typename Emit>
void extend(const Piece& q, const Segment& g, int64_t s_min, int64_t s_max, Emit emit) {
  if (q.slope >= g.slope) {  // the earliest previous end: q.lo while s - g.hi <= q.lo
    const int64_t split = std::min(s_max, q.lo + g.hi);
    if (s_min <= split) emit(s_min, split, best_previous_end(q, g, s_min).first, g.slope);
    const int64_t from = std::max(s_min, split + 1);
    if (from <= s_max) emit(from, s_max, best_previous_end(q, g, from).first, q.slope);
  } else {  // the latest: s - g.lo while that is <= q.hi
    const int64_t split = std::min(s_max, q.hi + g.lo);
    if (s_min <= split) emit(s_min, split, best_previous_end(q, g, s_min).first, q.slope);
    const int64_t from = std::max(s_min, split + 1);
    if (from <= s_max) emit(from, s_max, best_previous_end(q, g, from).first, g.slope);
  }
}

}  // namespace

std::optional<OfflinePlan> plan_offline_optimum(const std::vector<Nanos>& arrivals, Nanos slo,
                                                std::size_t max, const BatchCostModel& model) {
  const std::size_t n = arrivals.size();
  if (n == 0) return OfflinePlan{};
  std::vector<int64_t> a(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = arrivals[i].count();
  const int64_t budget = slo.count();

  // Per size, the gap segments between the model's breakpoints, read off charge() itself (so the
  // plan and the simulator share one formula), and the first batch's charge.
  const std::vector<Nanos> breaks = model.gap_breakpoints();
  std::vector<std::vector<Segment>> segments(max + 1);
  std::vector<BatchCharge> first(max + 1);
  int64_t fastest = kUnbounded;
  for (std::size_t b = 1; b <= max; ++b) {
    first[b] = model.charge(b, std::nullopt);
    fastest = std::min(fastest, first[b].service.count());
    for (std::size_t t = 0; t < breaks.size(); ++t) {
      const int64_t lo = breaks[t].count();
      const int64_t hi = t + 1 < breaks.size() ? breaks[t + 1].count() - 1 : kUnbounded;
      const BatchCharge at_lo = model.charge(b, Nanos(lo));
      double slope = 0;
      if (hi != kUnbounded && hi > lo) {
        slope =
            (model.charge(b, Nanos(hi)).dynamic_j - at_lo.dynamic_j) / static_cast<double>(hi - lo);
      }
      segments[b].push_back({lo, hi, at_lo.service.count(), at_lo.dynamic_j, slope});
      fastest = std::min(fastest, at_lo.service.count());
    }
  }
  // The batch [j - b, j) may start once its newest request is in and must end by its oldest's
  // deadline; larger b reach further back, so once too late, every larger one is too.
  const auto deadline = [&](std::size_t j, std::size_t b) { return a[j - b] + budget; };

  // V[j]: the lower envelope over the ends of the first j requests' schedules.
  std::vector<std::vector<Piece>> V(n + 1);
  std::vector<Piece> scratch;
  for (std::size_t j = 1; j <= n; ++j) {
    std::vector<Piece>& env = V[j];
    // The next batch starts at or after this end and must end by a[j] + T.
    const int64_t latest_end = j < n ? a[j] + budget - fastest : kUnbounded;
    const int64_t ready = a[j - 1];
    for (std::size_t b = 1; b <= std::min(max, j); ++b) {
      const int64_t due = deadline(j, b);
      if (ready > due) break;
      if (b == j) {  // the run's first batch
        const int64_t service = first[b].service.count();
        const int64_t hi = std::min(due, latest_end);
        if (ready + service <= hi) {
          insert(env, {ready + service, hi, first[b].dynamic_j, 0}, scratch);
        }
        continue;
      }
      // Past the last breakpoint a gap's length changes nothing, so there a prefix ending earlier
      // for no more energy reaches every start a later one does at no more cost: only the pieces
      // cheaper than everything before them extend into the last segment.
      double cheapest_before = std::numeric_limits<double>::infinity();
      for (const Piece& q : V[j - b]) {
        const double cheapest = std::min(q.cost_lo, q.at(q.hi));
        for (const Segment& g : segments[b]) {
          if (g.hi == kUnbounded && g.slope == 0 && cheapest_before <= cheapest) continue;
          const int64_t s_min = std::max(ready, q.lo + g.lo);
          const int64_t s_max = std::min({due, latest_end}) - g.service;
          const int64_t s_top = std::min(s_max, q.hi + g.hi);
          if (s_min > s_top) continue;
          extend(q, g, s_min, s_top, [&](int64_t lo, int64_t hi, double cost, double slope) {
            insert(env, {lo + g.service, hi + g.service, cost, slope}, scratch);
          });
        }
        cheapest_before = std::min(cheapest_before, cheapest);
      }
    }
  }
  if (V[n].empty()) return std::nullopt;

  // Idle power is paid until the last batch ends: the least total over every end.
  const double idle_per_ns = model.idle_power_w() * 1e-9;
  int64_t end = 0;
  double best_j = std::numeric_limits<double>::infinity();
  for (const Piece& p : V[n]) {
    for (int64_t e : {p.lo, p.hi}) {
      const double total = p.at(e) + idle_per_ns * static_cast<double>(e);
      if (total < best_j || (total == best_j && e < end)) {
        best_j = total;
        end = e;
      }
    }
  }
  // Back from the end: at each prefix, the batch and previous end that reach V_j(end) cheapest.
  OfflinePlan plan;
  for (std::size_t j = n; j > 0;) {
    double best = std::numeric_limits<double>::infinity();
    std::size_t size = 0;
    int64_t start = 0, previous_end = 0;
    for (std::size_t b = 1; b <= std::min(max, j); ++b) {
      const int64_t due = deadline(j, b);
      if (a[j - 1] > due) break;
      if (b == j) {
        const int64_t s = end - first[b].service.count();
        if (s >= a[j - 1] && end <= due && first[b].dynamic_j < best) {
          best = first[b].dynamic_j;
          size = b;
          start = s;
        }
        continue;
      }
      for (const Segment& g : segments[b]) {
        const int64_t s = end - g.service;
        if (s < a[j - 1] || end > due) continue;
        for (const Piece& q : V[j - b]) {
          const auto [cost, e] = best_previous_end(q, g, s);
          if (cost < best) {
            best = cost;
            size = b;
            start = s;
            previous_end = e;
          }
        }
      }
    }
    if (size == 0) throw std::logic_error("offline plan: no predecessor reaches the optimum");
    plan.sizes.push_back(size);
    plan.starts.push_back(Nanos(start));
    j -= size;
    end = previous_end;
  }
  std::reverse(plan.sizes.begin(), plan.sizes.end());
  std::reverse(plan.starts.begin(), plan.starts.end());
  // The energy of the schedule itself, charged as the simulator charges it.
  std::optional<Nanos> gap;
  Nanos previous_end{0};
  for (std::size_t t = 0; t < plan.sizes.size(); ++t) {
    if (t > 0) gap = plan.starts[t] - previous_end;
    const BatchCharge c = model.charge(plan.sizes[t], gap);
    plan.energy_j += c.dynamic_j;
    previous_end = plan.starts[t] + c.service;
  }
  plan.energy_j += idle_per_ns * static_cast<double>(previous_end.count());
  return plan;
}

std::optional<OfflinePlan> plan_offline_optimum(const std::vector<Nanos>& arrivals, Nanos slo,
                                                std::size_t max, const BatchCosts& costs) {
  if (const BatchCostModel* model = costs.model()) {
    return plan_offline_optimum(arrivals, slo, max, *model);
  }
  return plan_offline_optimum(arrivals, slo, max, BatchCostModel::gap_free(costs));
}

OfflineOptimalPolicy::OfflineOptimalPolicy(Nanos slo, std::size_t max,
                                           std::shared_ptr<const BatchCosts> costs)
    : slo_(slo), max_(max), costs_(std::move(costs)) {}

Decision OfflineOptimalPolicy::decide(const QueueView& queue, Nanos now) {
  if (!planned_) {
    planned_ = true;
    const std::vector<Nanos> arrivals(queue.arrivals, queue.arrivals + queue.total);
    plan_ = plan_offline_optimum(arrivals, slo_, max_, *costs_).value_or(OfflinePlan{});
    next_first_ = 0;
  }
  if (queue.empty()) return Decision::wait_for_arrival();
  if (plan_.sizes.empty() || queue.head != next_first_ || next_ >= plan_.sizes.size()) {
    return Decision::dispatch(std::min(queue.size(), max_));  // infeasible: greedy
  }
  const std::size_t size = plan_.sizes[next_];
  if (queue.size() < size) {
    if (queue.stream_ended()) return Decision::dispatch(queue.size());  // not this stream's plan
    return Decision::wait_for_arrival();
  }
  // A planned start later than possible is part of the optimum: it shortens the next gap.
  if (now < plan_.starts[next_]) return Decision::wake_at_time(plan_.starts[next_]);
  ++next_;
  next_first_ += size;
  return Decision::dispatch(size);
}

std::string OfflineOptimalPolicy::describe() const {
  std::string s = "offline:" + format_duration(slo_);
  if (max_ != 128) s += ",max=" + std::to_string(max_);
  return s;
}

std::unique_ptr<BatchingPolicy> OfflineOptimalPolicy::clone() const {
  return std::make_unique<OfflineOptimalPolicy>(slo_, max_, costs_);
}

}  // namespace gb
