/** placeholder */ package dev.gossamer.membership;
