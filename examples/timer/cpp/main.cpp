// Calls every method of the timer library through its generated C++
// header; prints the same lines as the Go example.
#include "my_timer.hpp"

#include <cstdlib>
#include <iostream>

namespace {

template <class T>
T must(const char *what, my_timer::Result<T> r) {
    if (!r) {
        std::cerr << what << ": " << r.error() << "\n";
        std::exit(1);
    }
    return std::move(r).value();
}

}  // namespace

int main() {
    my_timer::MyTimer timer = must("create", my_timer::MyTimer::create(my_timer::TimerConfig{"cpp-native-demo"}));
    std::cout << "created timer\n";

    std::string version = must("version", timer.version());
    std::cout << "version: " << version << "\n";

    my_timer::EchoResponse echo = must("echo", timer.echo(my_timer::EchoRequest{"hello from C++", 5}));
    std::cout << "echo: echoed=\"" << echo.echoed << "\" timerName=\"" << echo.timer_name << "\"\n";

    my_timer::ComplexRequest req;
    req.messages = {my_timer::EchoRequest{"one", 0}, my_timer::EchoRequest{"two", 0}};
    req.tags = {"a", "b"};
    req.note = "a note";
    req.retries = 3;
    my_timer::ComplexResponse complex = must("complex", timer.complex(req));
    std::cout << "complex: itemCount=" << complex.item_count
              << " hasNote=" << (complex.has_note ? "true" : "false") << " summary=\"" << complex.summary
              << "\"\n";

    my_timer::ScheduleResult scheduled = must(
        "schedule", timer.schedule(my_timer::JobSpec{"nightly", {"x"}, my_timer::Priority::High},
                                   my_timer::RetryPolicy{3, 100, {"timeout"}},
                                   my_timer::ScheduleConfig{1000, 5000, 50}));
    std::cout << "schedule: jobId=\"" << scheduled.job_id << "\" willRunCount=" << scheduled.will_run_count
              << "\n";

    // An object: a job held, cancelled and waited for, closed by its destructor.
    my_timer::Job job = must("start_job", timer.start_job("backup", 60000));
    if (!must("cancel", job.cancel()) || must("wait", job.wait()) != my_timer::JobStatus::Cancelled) {
        std::cerr << "job: not cancelled\n";
        return 1;
    }

    std::cout << "done\n";
    return 0;
}
