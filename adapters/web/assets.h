// The web widget's files (HTML, JavaScript, CSS, SVG), embedded at build time
// so that calfbot serves every asset itself: no CDN.
#pragma once

#include <string>
#include <vector>

#include "knowledge/embedded_data.h"

namespace calfbot::adapters {

using knowledge::DataFile;

// Paths relative to adapters/web/static, e.g. "widget.js", in name order.
const std::vector<DataFile>& web_assets();

}  // namespace calfbot::adapters
