// Fixture: filter may not include scan.

#include "slicekit/scan.h"
