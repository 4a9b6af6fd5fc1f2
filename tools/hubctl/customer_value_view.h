// Table-format view of customer lifetime value: what `hubctl metrics value`
// prints with `--output table`.
#ifndef HUB_TOOLS_HUBCTL_CUSTOMER_VALUE_VIEW_H_
#define HUB_TOOLS_HUBCTL_CUSTOMER_VALUE_VIEW_H_

#include <ostream>

#include "hub/v1/metrics_service.pb.h"

namespace hubctl {

// The period and gross margin; a table with the overall row first (segment
// "all"), then each segment in the response's order: SEGMENT, ACCOUNTS AT
// START, REVENUE, CHURNED, REVENUE/ACCOUNT, CLV (amounts with two decimals,
// "-" when absent), RANK; then a bar chart of CLV per segment, the largest
// drawn full width, leaving out segments without one (one line saying so
// when none has one).
void PrintCustomerValue(const hub::v1::CustomerValue& value, std::ostream& out);

}  // namespace hubctl

#endif  // HUB_TOOLS_HUBCTL_CUSTOMER_VALUE_VIEW_H_
