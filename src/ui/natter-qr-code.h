/* natter-qr-code.h: a QR code of a text, as a texture
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GdkTexture *natter_qr_code_new (const char  *text,
                                int          module_size,
                                GError     **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
