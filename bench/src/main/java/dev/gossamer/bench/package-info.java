/** placeholder */ package dev.gossamer.bench;
