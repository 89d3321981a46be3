#include "serving/open_loop.h"

#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <system_error>

#include "runtime/release_timing.h"

namespace gb {
namespace {

constexpr std::size_t kKeptErrors = 5;

void configure(httplib::Client& c, Nanos timeout) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(timeout);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout - s);
  c.set_keep_alive(true);
  c.set_tcp_nodelay(true);
  c.set_connection_timeout(s.count(), us.count());
  c.set_read_timeout(s.count(), us.count());
  c.set_write_timeout(s.count(), us.count());
}

}  // namespace

OpenLoopSender::OpenLoopSender(ServerUrl url, std::string path, OpenLoopOptions options)
    : url_(std::move(url)), path_(std::move(path)), options_(options) {
  // A server that closes a connection mid-request must fail that request, not this process.
  signal(SIGPIPE, SIG_IGN);
}

OpenLoopSender::~OpenLoopSender() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  for (std::thread& t : threads_) t.join();
}

void OpenLoopSender::warm(std::size_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  while (threads_.size() < std::min(n, options_.max_connections)) spawn(true);
}

std::size_t OpenLoopSender::connections() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return threads_.size();
}

std::vector<std::string> OpenLoopSender::errors() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return errors_;
}

void OpenLoopSender::spawn(bool open) {
  threads_.emplace_back([this, open] { work(open); });
}

void OpenLoopSender::work(bool open) {
  httplib::Client client(url_.host, url_.port);
  configure(client, options_.timeout);
  // Ahead of a run only: one added during a run has a request waiting, which would wait for this
  // too (and a stalled server may stall it).
  if (open) client.Get(url_.path("/v2/health/ready").c_str());
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    ++idle_;
    work_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
    --idle_;
    if (jobs_.empty()) return;
    const std::size_t i = jobs_.front();
    jobs_.pop_front();
    lock.unlock();
    send(i, &client);
    lock.lock();
    if (++completed_ == total_) finished_.notify_all();
  }
}

void OpenLoopSender::note_error(const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (errors_.size() < kKeptErrors &&
      std::find(errors_.begin(), errors_.end(), message) == errors_.end()) {
    errors_.push_back(message);
  }
}

void OpenLoopSender::send(std::size_t i, void* c) {
  httplib::Client& client = *static_cast<httplib::Client*>(c);
  SendRecord& r = (*records_)[i];
  const WireRequest& w = (*requests_)[i % requests_->size()];
  httplib::Request req;
  req.method = "POST";
  req.path = path_;
  req.headers = {{"Content-Type", w.content_type}};
  if (!w.header_length.empty())
    req.headers.emplace("Inference-Header-Content-Length", w.header_length);
  req.body = w.body;
  std::string body;
  bool too_long = false;
  const std::size_t cap = options_.max_answer_bytes;
  req.content_receiver = [&](const char* data, std::size_t len, uint64_t, uint64_t) {
    if (body.size() + len > cap) {
      too_long = true;
      return false;
    }
    body.append(data, len);
    return true;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  r.sent = SteadyClock::now() - origin_;
  const bool ok = client.send(req, res, error);
  r.done = SteadyClock::now() - origin_;
  if (!ok) {
    if (too_long) {
      r.outcome = SendOutcome::kBadAnswer;
      note_error("an answer over " + std::to_string(cap) + " bytes");
    } else if (r.done - r.sent >= options_.timeout * 99 / 100) {
      r.outcome = SendOutcome::kTimeout;
    } else {
      r.outcome = SendOutcome::kConnection;
      note_error("connection: " + httplib::to_string(error));
    }
    return;
  }
  r.status = res.status;
  const Answer a = check_answer(body, res.get_header_value("Inference-Header-Content-Length"));
  if (res.status != 200) {
    r.outcome = SendOutcome::kHttpError;
    note_error(std::to_string(res.status) + (a.error.empty() ? "" : ": " + a.error));
    return;
  }
  if (!a.valid) {
    r.outcome = SendOutcome::kBadAnswer;
    note_error("a 200 answer that is not an inference response: " + a.error);
    return;
  }
  r.outcome = SendOutcome::kAnswered;
  r.batch = a.batch;
  r.batch_size = a.batch_size;
  if (a.service_s) r.service_s = static_cast<float>(*a.service_s);
}

std::vector<SendRecord> OpenLoopSender::run(const std::vector<Nanos>& schedule,
                                            const std::vector<WireRequest>& requests,
                                            SteadyClock::time_point origin) {
  std::vector<SendRecord> records(schedule.size());
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_ = &requests;
    records_ = &records;
    origin_ = origin;
    total_ = schedule.size();
    completed_ = 0;
    errors_.clear();
  }
  if (schedule.empty()) return records;
  // Its own thread, so that the slack and the priority it asks for end with the run.
  std::thread sender([&] {
    TimerSlack slack;
    realtime_ = try_realtime_priority();
    const std::atomic<bool> never{false};
    for (std::size_t i = 0; i < schedule.size(); ++i) {
      wait_until(origin + schedule[i], options_.spin, never);
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back(i);
      // A connection for every queued job: one that is busy must not delay the next send.
      bool spawned = false;
      if (jobs_.size() > idle_ && threads_.size() < options_.max_connections) {
        try {
          spawn(false);
          spawned = true;
        } catch (const std::system_error&) {
          // Out of threads: the request waits for a connection, and its send lag says so.
        }
      }
      if (!spawned) work_.notify_one();
    }
  });
  sender.join();
  std::unique_lock<std::mutex> lock(mutex_);
  finished_.wait(lock, [&] { return completed_.load() == total_; });
  records_ = nullptr;
  requests_ = nullptr;
  return records;
}

}  // namespace gb
