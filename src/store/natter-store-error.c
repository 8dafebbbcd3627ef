/* natter-store-error.c: error domain of the database layer
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-store-error.h"

G_DEFINE_QUARK (natter-store-error-quark, natter_store_error)
