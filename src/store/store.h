/* store.h: the public interface of the database layer (src/store)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "store/natter-store-enums.h"
#include "store/natter-store-error.h"
#include "store/natter-store-omemo.h"
#include "store/natter-store-records.h"
#include "store/natter-store.h"
