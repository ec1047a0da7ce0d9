// Fixture: metrics and analysis are siblings.
#include "slicekit/explore.h"
