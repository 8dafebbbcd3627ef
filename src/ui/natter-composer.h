/* natter-composer.h: where a message is written
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

/* After this long without a keystroke the peer is told the user paused. */
#define NATTER_COMPOSER_PAUSE_SECONDS 5

#define NATTER_TYPE_COMPOSER (natter_composer_get_type ())

G_DECLARE_FINAL_TYPE (NatterComposer, natter_composer, NATTER, COMPOSER, AdwBin)

GtkWidget *natter_composer_new         (void) G_GNUC_WARN_UNUSED_RESULT;
char      *natter_composer_dup_text    (NatterComposer *self) G_GNUC_WARN_UNUSED_RESULT;
void       natter_composer_set_text    (NatterComposer *self,
                                        const char     *text);
gboolean   natter_composer_get_editing (NatterComposer *self);
void       natter_composer_set_editing (NatterComposer *self,
                                        gboolean        editing);
void       natter_composer_focus       (NatterComposer *self);

G_END_DECLS
