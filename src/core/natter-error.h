/* natter-error.h: error domain of the application model
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define NATTER_ERROR (natter_error_quark ())

/**
 * NatterError:
 * @NATTER_ERROR_FAILED: any other failure
 * @NATTER_ERROR_NO_SECRET_SERVICE: no Secret Service is running, so passwords
 *   cannot be kept and are asked for each time
 *
 * Errors of the application model.
 */
typedef enum {
  NATTER_ERROR_FAILED,
  NATTER_ERROR_NO_SECRET_SERVICE,
} NatterError;

GQuark natter_error_quark (void);

G_END_DECLS
