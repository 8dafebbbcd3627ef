/* natter-store-error.h: error domain of the database layer
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NATTER_STORE_ERROR (natter_store_error_quark ())

/**
 * NatterStoreError:
 * @NATTER_STORE_ERROR_FAILED: any other SQLite failure
 * @NATTER_STORE_ERROR_CANNOT_OPEN: the database file cannot be opened or created
 * @NATTER_STORE_ERROR_TOO_NEW: the database was written by a newer Natter; it is left untouched
 * @NATTER_STORE_ERROR_CORRUPT: the file is not a database or is damaged
 * @NATTER_STORE_ERROR_FULL: the disk is full; nothing was written
 *
 * Errors of the database layer.
 */
typedef enum {
  NATTER_STORE_ERROR_FAILED,
  NATTER_STORE_ERROR_CANNOT_OPEN,
  NATTER_STORE_ERROR_TOO_NEW,
  NATTER_STORE_ERROR_CORRUPT,
  NATTER_STORE_ERROR_FULL,
} NatterStoreError;

GQuark natter_store_error_quark (void);

G_END_DECLS
