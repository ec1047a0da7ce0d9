// Copyright 2026 The slicekit Authors. SPDX-License-Identifier: Apache-2.0
#include "gtest/gtest.h"
