declare module 'shapefile';
