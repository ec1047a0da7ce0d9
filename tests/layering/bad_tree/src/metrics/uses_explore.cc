// Fixture: metrics and slices are siblings.
#include "slicekit/explore.h"
