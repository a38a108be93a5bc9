// An intake's reports as the clinic API and the staff console both send them
// (docs/clinic.md, docs/console.md): the summary (JSON), the printable
// summary (HTML: never stored, no scripts, nobody's frame) and the FHIR
// QuestionnaireResponse (a download named after the intake). The service
// audits each read with the actor.
#pragma once

#include <optional>
#include <string>

#include "adapters/api/errors.h"
#include "adapters/server/http_types.h"

namespace calfbot::bot::clinic {
class ClinicService;
}

namespace calfbot::adapters {

// The report `what` ("summary", "summary.html" or "fhir") of intake `id`,
// read as `actor`; a failure worded by `words`. nullopt for any other `what`.
std::optional<HttpResponse> intake_report(bot::clinic::ClinicService& service,
                                          const std::string& id, const std::string& what,
                                          const std::string& actor, ErrorWords words);

}  // namespace calfbot::adapters
