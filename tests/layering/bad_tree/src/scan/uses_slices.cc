// Fixture for tests/layering: scan may not include slices.
#include "absl/status/status.h"
#include "src/slices/store.h"
#include "slicekit/slice_store.h"
