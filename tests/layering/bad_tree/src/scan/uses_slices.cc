// Fixture for tests/layering: scan may not include the store.
#include "absl/status/status.h"
#include "src/store/store.h"
#include "slicekit/slice_store.h"
// A private header shared with this layer (cmake/check_layers.cmake's
// shared_private list): allowed, must not be reported.
#include "src/table/table_impl.h"
