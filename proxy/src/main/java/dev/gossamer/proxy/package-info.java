/** placeholder */ package dev.gossamer.proxy;
