// Fixture: allowed includes only; must not be reported.
#include "src/scan/kernels.h"
#include "src/slices/store.h"
#include "slicekit/table.h"
