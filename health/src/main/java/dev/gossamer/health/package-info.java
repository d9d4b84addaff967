/** placeholder */ package dev.gossamer.health;
