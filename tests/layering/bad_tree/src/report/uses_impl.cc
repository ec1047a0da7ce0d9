// Fixture: a shared private header, but not shared with this layer.
#include "src/filter/number_literal.h"
