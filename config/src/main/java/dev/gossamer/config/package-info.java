/** placeholder */ package dev.gossamer.config;
