// Internal: Gy model <-> freeDiameter messages. The server parses CCRs and builds CCAs, the client
// builds CCRs and parses CCAs. setup_gy_dictionary must have succeeded first.
#pragma once

#include "fd_dictionary.hpp"
#include "gyrate/base/status.hpp"
#include "gyrate/diameter/gy_decoded.hpp"
#include "gyrate/diameter/gy_message.hpp"

namespace gyrate::diameter::fd {

// A received request (parsed against the dictionary, as the core hands it to a handler) as the
// model, or the Result-Code and Failed-AVP to answer it with.
Decoded<CreditControlRequest> parse_ccr(struct msg* ccr);
// A new CCR with a fresh end-to-end id; the caller owns it (fd_msg_send takes it over).
Expected<struct msg*> build_ccr(const CreditControlRequest& ccr);

// *msg is the request on entry and its answer on success (the request stays attached to it, as
// fd_msg_new_answer_from_req does). Session-Id comes from the request, not from cca.session_id.
Status build_cca(struct msg** msg, const CreditControlAnswer& cca);
// The answer to a request parse_ccr refused: the error's Result-Code and Failed-AVP, with
// CC-Request-Type and -Number echoed when the request had them. 3xxx answers carry the E bit.
Status build_error_cca(struct msg** msg, const DecodeError& error);
// A received answer as the model. An error answer (not 2xxx) may lack CC-Request-Type and -Number
// (they keep their defaults) or echo an invalid type (kept as it came).
Decoded<CreditControlAnswer> parse_cca(struct msg* cca);

}  // namespace gyrate::diameter::fd
