/* natter-toast.h: toasts that show text as it is
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A toast's title is markup; error messages quote addresses and names
 * that come from elsewhere, so the text is escaped. */
static inline AdwToast *
natter_toast_new_for_text (const char *text)
{
  g_autofree char *escaped = g_markup_escape_text (text, -1);

  return adw_toast_new (escaped);
}

G_END_DECLS
