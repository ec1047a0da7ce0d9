// Fixture for tests/layering: the store may include only order.h of scan.
#include "slicekit/scan.h"
#include "slicekit/order.h"
