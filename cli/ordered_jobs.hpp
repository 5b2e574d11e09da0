#pragma once
// Several inputs worked on at once, results reported in input order: the loop of every command
// that takes a batch of files (mark, embed, detect, verify).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

namespace tidemark::cli {

// Calls work(i) for every i < count on `jobs` threads, taking items in order and at most 2 x jobs
// ahead of the last one reported (memory stays bounded however many there are), and report(i,
// result) on the calling thread in input order. Once stop() is true no further item is started;
// those started are still reported. stop() may turn true at any time (a signal handler's flag).
template <class Result>
void run_in_order(std::size_t count, std::size_t jobs, const std::function<Result(std::size_t)>& work,
                  const std::function<void(std::size_t, Result&)>& report, const std::function<bool()>& stop) {
  jobs = std::max<std::size_t>(1, jobs);
  const std::size_t window = 2 * jobs;
  std::mutex mutex;
  std::condition_variable changed;
  std::map<std::size_t, Result> finished;
  std::size_t next = 0, reported = 0;
  bool over = false;
  {
    std::vector<std::jthread> workers;
    for (std::size_t w = 0; w < jobs; ++w)
      workers.emplace_back([&] {
        for (;;) {
          std::size_t i;
          {
            std::unique_lock lock(mutex);
            changed.wait(lock, [&] { return over || next >= count || stop() || next < reported + window; });
            if (over || next >= count || stop()) return;
            i = next++;
          }
          Result result = work(i);
          {
            std::lock_guard lock(mutex);
            finished.emplace(i, std::move(result));
          }
          changed.notify_all();
        }
      });
    while (reported < count) {
      Result result;
      {
        std::unique_lock lock(mutex);
        // A stop is noticed within 100 ms; everything started is reported, then the loop ends.
        changed.wait_for(lock, std::chrono::milliseconds(100), [&] { return finished.count(reported) > 0; });
        if (!finished.count(reported)) {
          if (stop() && reported == next) break;
          continue;
        }
        result = std::move(finished.at(reported));
        finished.erase(reported);
      }
      report(reported, result);
      {
        std::lock_guard lock(mutex);
        ++reported;
      }
      changed.notify_all();
    }
    {
      std::lock_guard lock(mutex);
      over = true;
    }
    changed.notify_all();
  }  // the workers are joined here, before the state they share goes
}

}  // namespace tidemark::cli
