// Fixture for tests/layering: the store may include only order.h of scan.
#include "slicekit/order.h"
#include "slicekit/scan.h"
