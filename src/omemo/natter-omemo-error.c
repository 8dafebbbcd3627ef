/* natter-omemo-error.c: error domain of OMEMO encryption
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-omemo-error.h"

G_DEFINE_QUARK (natter-omemo-error-quark, natter_omemo_error)
