// A compact in-memory form of an Instrument, for the instrument cache: one string of about
// 300 bytes for a card, against about 1.3 KiB for the struct with its strings (most of it the
// inline space of the optional card, bank account, address and wallet parts, empty or not).
//
// The encoding is private to one process: lengths and numbers in the machine's byte order, no
// version. Never store or send it. DecodeInstrument(EncodeInstrument(i)) == i for every i.
#ifndef PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_CODEC_H_
#define PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_CODEC_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "services/instruments/domain/instrument.h"

namespace pi::instruments::domain {

std::string EncodeInstrument(const Instrument& instrument);

// std::nullopt when `encoded` is not something EncodeInstrument made (truncated or altered).
std::optional<Instrument> DecodeInstrument(absl::string_view encoded);

}  // namespace pi::instruments::domain

#endif  // PI_SERVICES_INSTRUMENTS_DOMAIN_INSTRUMENT_CODEC_H_
