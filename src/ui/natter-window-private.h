/* natter-window-private.h: NatterWindow across its files
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "natter-chat-view.h"
#include "natter-contact-model.h"
#include "natter-presence-button.h"
#include "natter-window.h"

G_BEGIN_DECLS

struct _NatterWindow
{
  AdwApplicationWindow parent_instance;

  GSettings              *settings;
  GCancellable           *cancellable;
  NatterAccountList      *accounts;
  NatterContactModel     *contacts;
  NatterConversationList *conversations;
  GtkCustomFilter        *conversation_filter;
  GtkFilterListModel     *visible_conversations;
  GtkSliceListModel      *conversation_rows;  /* the visible ones with a row */
  GtkSingleSelection     *conversation_selection;
  GtkSliceListModel      *contact_rows;
  guint                   grow_rows_id;
  char                   *search;  /* casefolded, or NULL */
  GtkWidget              *search_results;  /* NatterSearchResults */
  GtkScrolledWindow      *search_scroller;

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
  AdwViewStack       *view_stack;
  AdwViewStackPage   *chats_page;
  AdwViewStackPage   *contacts_page;
  GtkStack           *chats_stack;
  GtkListView        *conversation_list;
  GtkStack           *content_stack;
  NatterChatView     *chat_view;
};

void natter_window_show_sidebar_page (NatterWindow *self,
                                      const char   *name);

/* natter-window-actions.c: the win.* actions */
void natter_window_class_actions_init (GtkWidgetClass *widget_class);

G_END_DECLS
