#include "energy/power_meter.h"

#include <fmt/format.h>

namespace gb {

std::string short_window_warning(const PowerMeter& meter, Nanos length) {
  const std::optional<Nanos> period = meter.counter_update_period();
  if (!period || period->count() <= 0 || length >= kMinCounterUpdatesPerWindow * *period) {
    return "";
  }
  return fmt::format(
      "{}: window of {:.0f} ms is shorter than {} updates of its energy counter ({:.0f} ms each); "
      "use longer windows for percent-level figures",
      meter.domain(), to_millis(length), kMinCounterUpdatesPerWindow, to_millis(*period));
}

}  // namespace gb
