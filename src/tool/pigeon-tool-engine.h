/* SPDX-License-Identifier: GPL-3.0-or-later */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The engine verbs: pigeon-tool-engine.c (accounts, sync, send, outbox)
 * and pigeon-tool-mail.c (folders, list, show, search, flag, move). */
int pigeon_tool_account (int argc, char **argv);
int pigeon_tool_sync (int argc, char **argv);
int pigeon_tool_send (int argc, char **argv);
int pigeon_tool_outbox (int argc, char **argv);
int pigeon_tool_folders (int argc, char **argv);
int pigeon_tool_list (int argc, char **argv);
int pigeon_tool_show (int argc, char **argv);
int pigeon_tool_search (int argc, char **argv);
int pigeon_tool_flag (int argc, char **argv);
int pigeon_tool_move (int argc, char **argv);

G_END_DECLS
