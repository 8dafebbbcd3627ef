/* natter-qr-code.c: a QR code of a text, as a texture
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The own OMEMO verification link is shown as a QR code for
 * Conversations to scan.  libqrencode encodes (byte mode, error
 * correction M); this draws dark modules on white with the four-module
 * quiet zone the standard asks for, at a whole number of pixels per
 * module so scanners see sharp edges.
 */
#include "config.h"

#include "natter-qr-code.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <qrencode.h>
#include <string.h>

#define QUIET_ZONE 4

/**
 * natter_qr_code_new:
 * @text: what the code holds, e.g. an `xmpp:` URI
 * @module_size: pixels per module
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): a black-on-white texture of the code, or
 *   %NULL if @text does not fit in a QR code
 */
GdkTexture *
natter_qr_code_new (const char  *text,
                    int          module_size,
                    GError     **error)
{
  QRcode *code;
  g_autoptr(GBytes) bytes = NULL;
  guint8 *pixels;
  int side;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (module_size > 0 && module_size <= 64, NULL);

  code = QRcode_encodeString8bit (text, 0, QR_ECLEVEL_M);
  if (code == NULL)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("The link is too long for a QR code"));
      return NULL;
    }

  /* RGB, three bytes a pixel: GTK 4.8 has no grey memory format. */
  side = (code->width + 2 * QUIET_ZONE) * module_size;
  pixels = g_malloc (side * side * 3);
  memset (pixels, 0xff, side * side * 3);
  for (int y = 0; y < code->width; y++)
    for (int x = 0; x < code->width; x++)
      if (code->data[y * code->width + x] & 1)
        for (int dy = 0; dy < module_size; dy++)
          memset (pixels + (((y + QUIET_ZONE) * module_size + dy) * side
                            + (x + QUIET_ZONE) * module_size) * 3,
                  0x00, module_size * 3);
  QRcode_free (code);

  bytes = g_bytes_new_take (pixels, side * side * 3);
  return gdk_memory_texture_new (side, side, GDK_MEMORY_R8G8B8, bytes, side * 3);
}
