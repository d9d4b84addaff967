/** placeholder */ package dev.gossamer.sidecar;
