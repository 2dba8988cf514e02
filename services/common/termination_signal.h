// SIGTERM/SIGINT handling for the two servers: block the signals in every thread (call before
// starting any), then wait for one synchronously on the main thread.
#ifndef PI_SERVICES_COMMON_TERMINATION_SIGNAL_H_
#define PI_SERVICES_COMMON_TERMINATION_SIGNAL_H_

namespace pi::common {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts afterwards.
void BlockTerminationSignals();

// Waits for SIGTERM or SIGINT (blocked beforehand) and returns its number.
int WaitForTerminationSignal();

}  // namespace pi::common

#endif  // PI_SERVICES_COMMON_TERMINATION_SIGNAL_H_
