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
 * @NATTER_STORE_ERROR_CORRUPT: the file is not a database, not a Natter database, or is damaged
 * @NATTER_STORE_ERROR_FULL: the disk is full; nothing of the failed operation was written
 * @NATTER_STORE_ERROR_NOT_FOUND: the row the operation refers to does not exist
 * @NATTER_STORE_ERROR_EXISTS: the operation would create a second row with a
 *   value that must be unique (an account's JID, a message's stanza-id)
 * @NATTER_STORE_ERROR_BUSY: another program holds the database locked for
 *   longer than the store waits
 *
 * Errors of the database layer.  Every message is translated and names the
 * operation that failed; nothing of a failed operation was written.
 */
typedef enum {
  NATTER_STORE_ERROR_FAILED,
  NATTER_STORE_ERROR_CANNOT_OPEN,
  NATTER_STORE_ERROR_TOO_NEW,
  NATTER_STORE_ERROR_CORRUPT,
  NATTER_STORE_ERROR_FULL,
  NATTER_STORE_ERROR_NOT_FOUND,
  NATTER_STORE_ERROR_EXISTS,
  NATTER_STORE_ERROR_BUSY,
} NatterStoreError;

GQuark natter_store_error_quark (void);

G_END_DECLS
