/* natter-preferences-window.h: the preferences
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_PREFERENCES_WINDOW (natter_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (NatterPreferencesWindow, natter_preferences_window, NATTER, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWidget *natter_preferences_window_new             (GtkWindow               *parent,
                                                      NatterAccountList       *accounts) G_GNUC_WARN_UNUSED_RESULT;
GtkWidget *natter_preferences_window_get_account_row (NatterPreferencesWindow *self,
                                                      NatterAccount           *account);
GtkWidget *natter_preferences_window_get_page        (NatterPreferencesWindow *self);

G_END_DECLS
