// Fixture: the umbrella header.
#include "slicekit/slicekit.h"
