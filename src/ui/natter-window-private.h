/* natter-window-private.h: NatterWindow across its files
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "natter-contact-model.h"
#include "natter-presence-button.h"
#include "natter-window.h"

G_BEGIN_DECLS

struct _NatterWindow
{
  AdwApplicationWindow parent_instance;

  GSettings          *settings;
  GCancellable       *cancellable;
  NatterAccountList  *accounts;
  NatterContactModel *contacts;

  AdwToastOverlay    *toast_overlay;
  GtkStack           *main_stack;
  AdwStatusPage      *empty_page;
  AdwStatusPage      *broken_page;
  AdwLeaflet         *leaflet;
  GtkWidget          *sidebar;
  NatterPresenceButton *presence_button;
  GtkSearchEntry     *search_entry;
  GtkStack           *sidebar_stack;
  GtkListView        *contact_list;
};

/* natter-window-actions.c: the win.* actions */
void natter_window_class_actions_init (GtkWidgetClass *widget_class);

G_END_DECLS
