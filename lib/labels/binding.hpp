#pragma once
// How the three signals of one marked file are tied together:
// - the watermark payload is derived from the label's ProduceID, so a verifier can tell whether a
//   label and a watermark belong to the same content;
// - ReservedCode1 may carry an HMAC, keyed by the watermark key, over the label's producer fields
//   and the payload, so a holder of the key can tell a forged or edited label.
// Both formats are documented in docs/LABELS.md.
#include <optional>
#include <string>
#include <string_view>

#include "labels/aigc_label.hpp"
#include "tidemark/key.hpp"
#include "tidemark/payload.hpp"

namespace tidemark::labels {

// First 64 bits (big-endian) of SHA-256("tidemark ProduceID v1" || 0x00 || produce_id).
Payload payload_for_produce_id(std::string_view produce_id);

// A fresh ProduceID when the caller has none: "tm-" and 16 random hex digits.
std::string random_produce_id();

inline constexpr std::string_view kSignaturePrefix = "TM1-HMAC:";

// "TM1-HMAC:" + 40 hex digits: the first 160 bits of HMAC-SHA256(K, message), where
// K = HMAC-SHA256(key, "tidemark label signature v1") and message = "TM1-HMAC" LF Label LF
// ContentProducer LF ProduceID LF payload-hex (16 lowercase digits).
std::string sign_label(const AigcLabel& label, const Payload& payload, const Key& key);

enum class SignatureCheck { Absent, NotOurs, Valid, Invalid };
const char* to_string(SignatureCheck c) noexcept;
// Absent: ReservedCode1 empty. NotOurs: it holds something other than a tidemark signature.
SignatureCheck check_signature(const AigcLabel& label, const Payload& payload, const Key& key);

}  // namespace tidemark::labels
