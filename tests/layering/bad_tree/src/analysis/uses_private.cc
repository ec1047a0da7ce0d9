// Fixture: private headers of the layers below.
#include "src/scan/kernels.h"
#include "src/table/buffer.h"
