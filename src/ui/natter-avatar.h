/* natter-avatar.h: an avatar in the contact's consistent colour (XEP-0392)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define NATTER_TYPE_AVATAR (natter_avatar_get_type ())

G_DECLARE_FINAL_TYPE (NatterAvatar, natter_avatar, NATTER, AVATAR, GtkWidget)

GtkWidget  *natter_avatar_new                 (int           size) G_GNUC_WARN_UNUSED_RESULT;
const char *natter_avatar_get_text            (NatterAvatar *self);
void        natter_avatar_set_text            (NatterAvatar *self,
                                               const char   *text);
const char *natter_avatar_get_identity        (NatterAvatar *self);
void        natter_avatar_set_identity        (NatterAvatar *self,
                                               const char   *identity);
int         natter_avatar_get_size            (NatterAvatar *self);
void        natter_avatar_set_size            (NatterAvatar *self,
                                               int           size);

double      natter_consistent_color_hue       (const char   *identity);
void        natter_consistent_color_rgb       (const char   *identity,
                                               GdkRGBA      *rgba);

G_END_DECLS
