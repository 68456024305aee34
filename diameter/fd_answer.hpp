// Internal: answers that leave after the CCR callback returned (deferred durability: a CCA
// waits for the journal commit of the changes it reports, sent from the committing thread).
#pragma once

#include "fd_dictionary.hpp"
#include "gyrate/base/status.hpp"
#include "gyrate/diameter/result_code.hpp"

namespace gyrate::diameter::fd {

// Sends a built answer; the core owns it afterwards (*answer becomes null).
Status send_answer(struct msg** answer);
// Turns a built CCA back into its request and answers that with `code` instead (the changes the
// CCA reported never became durable). *answer is the new answer.
Status replace_with_error_cca(struct msg** answer, ResultCode code);

}  // namespace gyrate::diameter::fd
