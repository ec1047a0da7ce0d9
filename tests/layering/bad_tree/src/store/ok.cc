// Fixture: allowed includes only; must not be reported.
#include "src/store/store.h"
#include "src/util/status_macros.h"
#include "slicekit/table.h"
